import Foundation
import HotspotPayCore
import Logging
import Store
import TestSupport
import Testing

@testable import PostgresStore

/// Each node answers Access-Requests from memory: what another node commits reaches it by
/// NOTIFY within moments, and when PostgreSQL is gone the paid devices keep their access.
@Suite struct PostgresAccessViewTests {
    /// Waits until `condition` holds (or 30 s pass: a loaded CI box stalls; the view's resync is
    /// an hour away, so what arrives came by NOTIFY) and says how long it took. How fast it
    /// arrives is measured by the benchmark (BENCHMARKS.md), not here.
    func waited(_ condition: () throws -> Bool) async throws -> Duration? {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < .seconds(30) {
            if try condition() { return clock.now - start }
            try await Task.sleep(for: .milliseconds(2))
        }
        return nil
    }

    @Test func aPaymentOnOneNodeReachesTheOtherNodesViewAtOnce() async throws {
        let harness = try await BackendHarness(.postgres)
        let view = PostgresAccessView(
            store: try #require(try harness.node() as? PostgresStore), resyncSeconds: 3600,
            logger: BackendHarness.logger)
        try await view.load()
        let running = Task { await view.run() }
        defer { running.cancel() }
        #expect(try view.routersForAccess().map(\.id) == ["cafe"])
        #expect(try view.activeGrantForAccess(mac: Fixtures.mac) == nil)
        _ = try await waited { view.health.listening }

        for round in 0..<5 {
            let sale = try await harness.newPending()
            _ = try await harness.store.confirmPayment(harness.confirmation(sale, reference: "N\(round)"))
            let expected = try #require(try await harness.store.activeGrant(mac: Fixtures.mac))
            let delay = try await waited {
                try view.activeGrantForAccess(mac: Fixtures.mac)?.validUntil == expected.validUntil
                    && view.loginSecretsForAccess(grantID: expected.id).count == round + 1
            }
            #expect(delay != nil, "round \(round): the view never saw the payment")
        }
        // Ending the grant takes it out of every node's memory.
        let grant = try #require(try view.activeGrantForAccess(mac: Fixtures.mac))
        _ = try await harness.store.apply(
            .revoke, toGrant: grant.id, at: Date(), actor: "test", detail: "refunded")
        #expect(try await waited { try view.activeGrantForAccess(mac: Fixtures.mac) == nil } != nil)
        // A router added on another node is known here too.
        try await harness.store.addRouter(
            Fixtures.router(id: "bar", address: "10.9.9.9"), actor: "test")
        #expect(try await waited { try view.routersForAccess().count == 2 } != nil)
    }

    @Test func withPostgreSQLGoneThePaidDeviceKeepsItsAccessAndTheViewCatchesUpAfter() async throws {
        let cluster = try await PostgresCluster.start()
        let key = try SecretKey(bytes: Array(repeating: 7, count: 32))
        let store = PostgresStore(
            url: try PostgresURL(cluster.url), password: nil, cipher: SecretCipher(key: key), connections: 4,
            timeout: .seconds(10), logger: BackendHarness.logger)
        try await store.migrate()
        try await store.addPlan(Fixtures.plan(), actor: "test")
        try await store.addRouter(Fixtures.router(), actor: "test")
        let sale = Fixtures.transaction()
        try await store.insertTransaction(sale, actor: "test")
        _ = try await store.confirmPayment(
            PaymentConfirmation(
                transactionID: sale.id, provider: sale.provider, providerReference: "P1", amount: sale.amount,
                at: Date(), actor: "test"))
        let view = PostgresAccessView(store: store, resyncSeconds: 1, logger: BackendHarness.logger)
        try await view.load()
        let running = Task { await view.run() }
        defer { running.cancel() }
        _ = try await waited { view.health.listening }

        await cluster.stop()
        #expect(try await waited { !view.health.listening } != nil)
        // Still answered, from memory, with the grant's own end.
        let held = try #require(try view.activeGrantForAccess(mac: Fixtures.mac))
        #expect(held.validUntil > Date())
        // Calls fail fast as unavailable (a callback is answered 503 and sent again), not after a minute.
        let clock = ContinuousClock()
        let asked = clock.now
        await #expect {
            try await store.ping()
        } throws: { error in
            guard case StoreError.unavailable = error else { return false }
            return true
        }
        #expect(clock.now - asked < .seconds(30))

        try await cluster.restart()
        #expect(try await waited { view.health.listening } != nil)
        // A change made after the restart is heard again.
        let other = MACAddress(octets: [2, 0, 0, 0, 0, 0x42])
        let second = Fixtures.transaction(mac: other)
        // As a provider would, the first call after the restart is sent again if it fails.
        var inserted = false
        for _ in 0..<20 where !inserted {
            do {
                try await store.insertTransaction(second, actor: "test")
                inserted = true
            } catch StoreError.unavailable { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(inserted)
        _ = try await store.confirmPayment(
            PaymentConfirmation(
                transactionID: second.id, provider: second.provider, providerReference: "P2", amount: second.amount,
                at: Date(), actor: "test"))
        #expect(try await waited { try view.activeGrantForAccess(mac: other) != nil } != nil)
        running.cancel()
        store.close()
        await cluster.stop()
    }
}
