import Foundation
import HotspotPayCore
import Store
import Synchronization
import TestSupport
import Testing

/// The daemon's one view of its routers: served from memory, re-read on a clock the test turns.
@Suite struct RouterSnapshotTests {
    final class Source: Sendable {
        let routers = Mutex<[Router]>([])
        let reads = Mutex(0)
        func load() -> [Router] {
            reads.withLock { $0 += 1 }
            return routers.withLock { $0 }
        }
    }

    final class Clock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func advance(_ seconds: Double) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    @Test func hitsAreServedFromMemoryAndAMissReadsAtMostOnceASecond() throws {
        let source = Source()
        let clock = Clock()
        source.routers.withLock { $0 = [Fixtures.router(id: "cafe", address: "10.0.0.1")] }
        let snapshot = RouterSnapshot(refreshSeconds: 5, clock: { clock.now.withLock { $0 } }, load: source.load)
        #expect(try snapshot.router(address: "10.0.0.1")?.id == "cafe")
        #expect(try snapshot.router(id: "cafe") != nil && source.reads.withLock { $0 } == 1)
        // A flood of unknown addresses costs one read a second, not one per request.
        for _ in 0..<1_000 { #expect(try snapshot.router(address: "10.9.9.9") == nil) }
        #expect(source.reads.withLock { $0 } == 1)
        // A router added in the console is heard on the first miss a second later.
        source.routers.withLock { $0.append(Fixtures.router(id: "lobby", address: "10.0.0.2")) }
        #expect(try snapshot.router(id: "lobby") == nil)
        clock.advance(1.1)
        #expect(try snapshot.router(id: "lobby")?.address.description == "10.0.0.2")
        #expect(source.reads.withLock { $0 } == 2)
        // A change to a known router shows after refreshSeconds, or at once on refresh().
        source.routers.withLock { $0[0].coaPort = 1700 }
        #expect(try snapshot.router(id: "cafe")?.coaPort == 3799)
        try snapshot.refresh()
        #expect(try snapshot.router(id: "cafe")?.coaPort == 1700)
        source.routers.withLock { $0.removeAll() }
        clock.advance(5.1)
        #expect(try snapshot.all().isEmpty && snapshot.router(id: "cafe") == nil)
    }
}
