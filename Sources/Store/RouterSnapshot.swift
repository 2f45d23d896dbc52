import Foundation
import HotspotPayCore
import Synchronization

/// The routers in memory, their secrets opened once, shared by everything in a daemon that looks
/// routers up: the RADIUS server (by source address, on the event loop, so it never waits on
/// anything but this lock), the unlock worker and the guest pages (by id). Re-read from the
/// store when older than `refreshSeconds`, and on a miss at most once a second, so a router
/// added in the console is heard within a second without a flood of unknown addresses reaching
/// the database.
public final class RouterSnapshot: Sendable {
    private struct Loaded {
        var byAddress: [String: Router] = [:]
        var byID: [String: Router] = [:]
        var all: [Router] = []
        var at = Date.distantPast
    }

    private let load: @Sendable () throws -> [Router]
    private let refreshSeconds: Double
    private let clock: @Sendable () -> Date
    private let loaded = Mutex(Loaded())

    /// `load` reads every router (synchronously: the RADIUS path cannot await).
    public init(
        refreshSeconds: Double = 5, clock: @escaping @Sendable () -> Date = Date.init,
        load: @escaping @Sendable () throws -> [Router]
    ) {
        self.load = load
        self.refreshSeconds = refreshSeconds
        self.clock = clock
    }

    /// Routers as the store's access reader has them.
    public convenience init(
        _ store: any AccessLookup, refreshSeconds: Double = 5, clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.init(refreshSeconds: refreshSeconds, clock: clock, load: { try store.routersForAccess() })
    }

    /// The router whose requests come from `address` (any spelling of an IPv4 address).
    public func router(address: String) throws -> Router? {
        let canonical = (try? IPAddress(address))?.description ?? address
        return try lookup { $0.byAddress[canonical] }
    }

    public func router(id: String) throws -> Router? { try lookup { $0.byID[id] } }

    /// Every router, by id.
    public func all() throws -> [Router] {
        let now = clock()
        let (routers, age) = loaded.withLock { ($0.all, now.timeIntervalSince($0.at)) }
        if age < refreshSeconds { return routers }
        return try reload(now).all
    }

    /// Reads the store now (an operator just changed a router; the caller cannot wait).
    public func refresh() throws { _ = try reload(clock()) }

    private func lookup(_ find: (Loaded) -> Router?) throws -> Router? {
        let now = clock()
        let (found, age) = loaded.withLock { (find($0), now.timeIntervalSince($0.at)) }
        if let found, age < refreshSeconds { return found }
        // A miss reads again, but not more than once a second.
        if found == nil && age < 1 { return nil }
        do { return find(try reload(now)) } catch {
            // A store that cannot be read right now (busy, a key being rotated) must not turn
            // every router away: what was read last keeps answering until a read succeeds.
            let last = loaded.withLock { $0.at == .distantPast ? nil : find($0) }
            guard let last else { throw error }
            return last
        }
    }

    private func reload(_ now: Date) throws -> Loaded {
        let routers = try load()
        var fresh = Loaded()
        fresh.all = routers.sorted { $0.id < $1.id }
        fresh.byAddress = Dictionary(routers.map { ($0.address.description, $0) }, uniquingKeysWith: { a, _ in a })
        fresh.byID = Dictionary(routers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        fresh.at = now
        loaded.withLock { $0 = fresh }
        return fresh
    }
}
