import Foundation
import GRDB
import HotspotPayCore
import Store
import TestSupport
import Testing

@Suite struct TransactionStoreTests {
    @Test(arguments: StoreBackend.allCases) func aStoredTransactionIsFoundByIdOrderCodeAndMac(_ backend: StoreBackend)
        async throws
    {
        let harness = try await BackendHarness(backend)
        let transaction = try await harness.newPending()
        let loaded = try #require(await harness.store.transaction(id: transaction.id))
        #expect(loaded.orderCode == transaction.orderCode)
        #expect(loaded.callbackToken == transaction.callbackToken)
        #expect(abs(loaded.createdAt.timeIntervalSince(transaction.createdAt)) < 0.001)
        #expect(try await harness.store.transaction(orderCode: transaction.orderCode)?.id == transaction.id)
        #expect(try await harness.store.latestTransaction(mac: Fixtures.mac)?.id == transaction.id)
        #expect(try await harness.store.auditEvents(transactionID: transaction.id).map(\.kind) == [.transactionCreated])
    }

    @Test(arguments: StoreBackend.allCases) func filtersNarrowTheListAndPage(_ backend: StoreBackend) async throws {
        let harness = try await BackendHarness(backend)
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0..<5 {
            _ = try await harness.newPending(
                mac: MACAddress(octets: [2, 0, 0, 0, 0, UInt8(index)]), now: base.addingTimeInterval(Double(index) * 60)
            )
        }
        let first = try #require(await harness.store.transactions(matching: TransactionFilter(limit: 1)).first)
        _ = try await harness.store.apply(.cancel, toTransaction: first.id, at: base, actor: "test", detail: "")
        #expect(try await harness.store.transactions(matching: TransactionFilter()).count == 5)
        #expect(try await harness.store.transactions(matching: TransactionFilter(status: .pending)).count == 4)
        #expect(
            try await harness.store.transactions(matching: TransactionFilter(status: .cancelled)).map(\.id) == [
                first.id
            ])
        #expect(
            try await harness.store.transactions(
                matching: TransactionFilter(mac: MACAddress(octets: [2, 0, 0, 0, 0, 3]))
            ).count == 1)
        #expect(
            try await harness.store.transactions(matching: TransactionFilter(createdFrom: base.addingTimeInterval(120)))
                .count == 3)
        #expect(try await harness.store.transactions(matching: TransactionFilter(limit: 2, offset: 4)).count == 1)
    }

    @Test(arguments: StoreBackend.allCases) func transitionsAreConditionalInTheDatabase(_ backend: StoreBackend)
        async throws
    {
        let harness = try await BackendHarness(backend)
        let transaction = try await harness.newPending()
        let expired = try await harness.store.apply(
            .expire, toTransaction: transaction.id, at: Date(), actor: "sweeper", detail: "")
        #expect(expired.status == .expired)
        // A second sweeper node loses the race cleanly.
        do {
            _ = try await harness.node().apply(
                .expire, toTransaction: transaction.id, at: Date(), actor: "sweeper", detail: "")
            Issue.record("a second expiry must fail")
        } catch let StoreError.transition(error) {
            #expect(error.kind == .alreadyApplied)
        }
        do {
            _ = try await harness.store.apply(
                .cancel, toTransaction: transaction.id, at: Date(), actor: "guest", detail: "")
            Issue.record("cancelling an expired transaction must fail")
        } catch let StoreError.transition(error) {
            #expect(error.kind == .forbidden)
        }
    }

    @Test(arguments: StoreBackend.allCases) func pendingTransactionsPastTheirWindowAreFoundOldestFirst(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let now = Date()
        let old = try await harness.newPending(
            mac: MACAddress(octets: [2, 0, 0, 0, 0, 1]), now: now.addingTimeInterval(-2000))
        let older = try await harness.newPending(
            mac: MACAddress(octets: [2, 0, 0, 0, 0, 2]), now: now.addingTimeInterval(-3000))
        _ = try await harness.newPending(mac: MACAddress(octets: [2, 0, 0, 0, 0, 3]), now: now)
        #expect(try await harness.store.pendingTransactions(expiredAt: now, limit: 10).map(\.id) == [older.id, old.id])
    }

    @Test(arguments: StoreBackend.allCases) func sessionsAreUpsertedAndClosedWhenTheRouterRestarts(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let start = Date()
        var session = RadiusSession(
            routerID: "cafe", acctSessionID: "81a00001", mac: Fixtures.mac, userName: Fixtures.mac.description,
            framedIP: try IPAddress("10.5.50.7"), startedAt: start, updatedAt: start)
        try await harness.store.recordSession(session)
        session.inputBytes = 1000
        session.outputBytes = 5000
        session.updatedAt = start.addingTimeInterval(60)
        try await harness.store.recordSession(session)
        let open = try await harness.store.openSessions(mac: Fixtures.mac)
        #expect(open.count == 1)
        #expect(open.first?.totalBytes == 6000)
        #expect(try await harness.store.closeSessions(routerID: "cafe", at: Date(), cause: "NAS-Reboot") == 1)
        #expect(try await harness.store.openSessions(mac: Fixtures.mac).isEmpty)
    }
}
