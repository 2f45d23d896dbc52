import Dispatch
import Foundation
import HotspotPayCore
import Store
import Synchronization
import TestSupport
import Testing

/// The Access-Request read runs on connections of its own (not GRDB's pool): it must see every
/// commit as soon as it is made, from this process or another, and stand concurrent callers.
@Suite struct AccessLookupTests {
    @Test func aGrantIsVisibleToTheAccessLookupAsSoonAsThePaymentCommits() async throws {
        let harness = try await StoreHarness()
        let store = harness.store
        // The first lookup opens and keeps the reader's connection before anything is paid.
        #expect(try store.activeGrantForAccess(mac: Fixtures.mac) == nil)
        let transaction = try await harness.newPending()
        guard case .applied(_, let granted, _, _) = try await store.confirmPayment(harness.confirmation(transaction))
        else {
            Issue.record("payment not applied")
            return
        }
        let found = try #require(try store.activeGrantForAccess(mac: Fixtures.mac))
        #expect(found.id == granted.id && found.status == .active)
        #expect(found.rateLimit == granted.rateLimit && found.dataRemainingBytes == granted.dataRemainingBytes)
        #expect(abs(found.validUntil.timeIntervalSince(granted.validUntil)) < 0.001)
        #expect(try store.activeGrantForAccess(mac: MACAddress("02:00:00:00:00:99")) == nil)

        // Revoked from another connection pool (the CLI beside a running daemon): gone at once.
        let cli = try harness.secondStore()
        try await cli.apply(.revoke, toGrant: granted.id, at: Date(), actor: "test", detail: "refunded")
        #expect(try store.activeGrantForAccess(mac: Fixtures.mac) == nil)
    }

    @Test func concurrentLookupsFromManyThreadsAllAnswer() async throws {
        let harness = try await StoreHarness()
        let transaction = try await harness.newPending()
        _ = try await harness.store.confirmPayment(harness.confirmation(transaction))
        let store = harness.store
        let failures = Mutex<[String]>([])
        let found = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<250 {
                do {
                    if try store.activeGrantForAccess(mac: Fixtures.mac) != nil { found.add(1, ordering: .relaxed) }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        #expect(found.load(ordering: .relaxed) == 2_000)
    }

    @Test func aMissingDatabaseFileIsAnOperatorReadableError() async throws {
        let harness = try await StoreHarness()
        try FileManager.default.removeItem(atPath: harness.path)
        try? FileManager.default.removeItem(atPath: harness.path + "-wal")
        try? FileManager.default.removeItem(atPath: harness.path + "-shm")
        // A fresh file has no grants table: the reader says which file and what went wrong.
        do {
            _ = try harness.store.activeGrantForAccess(mac: Fixtures.mac)
            Issue.record("expected an error")
        } catch {
            // Typed: whatever fails is a StoreError; this one names the file.
            #expect("\(error)".contains(harness.path), "\(error)")
        }
    }
}
