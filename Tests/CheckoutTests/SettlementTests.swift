import Checkout
import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

/// One settlement of whatever a provider says, whoever heard it.
@Suite struct SettlementTests {
    static func store(_ label: String = #function) async throws -> SQLiteStore {
        let directory = try Fixtures.temporaryDirectory(label)
        let store = try SQLiteStore(
            path: directory.appendingPathComponent("settle.sqlite").path,
            cipher: SecretCipher(key: try SecretKey(bytes: Array(repeating: 6, count: 32))))
        try await store.addPlan(Fixtures.plan(), actor: "test")
        try await store.addRouter(Fixtures.router(), actor: "test")
        return store
    }

    @Test func theSamePaidVerdictFromACallbackAndFromTheSweeperIsAppliedOnce() async throws {
        let store = try await Self.store()
        let transaction = Fixtures.transaction()
        try await store.insertTransaction(transaction, actor: "test")
        let settlement = Settlement(store: store)
        let verdict = Settlement.Verdict.paid(providerReference: "REF-1", amount: transaction.amount)
        guard case .paid(.applied) = try await settlement.settle(transaction, verdict, actor: "provider:sandbox") else {
            Issue.record("the first verdict applies")
            return
        }
        guard case .paid(.alreadyConfirmed) = try await settlement.settle(transaction, verdict, actor: "sweeper") else {
            Issue.record("the second is already confirmed")
            return
        }
        #expect(try await store.grant(transactionID: transaction.id)?.transactionIDs == [transaction.id])
    }

    @Test func aFailureForAnOrderPaidMeanwhileIsAlreadySettledNotAnError() async throws {
        let store = try await Self.store()
        let transaction = Fixtures.transaction()
        try await store.insertTransaction(transaction, actor: "test")
        let settlement = Settlement(store: store)
        _ = try await settlement.settle(
            transaction, .paid(providerReference: "REF-2", amount: transaction.amount), actor: "provider:sandbox")
        let late = try await settlement.settle(transaction, .failed(code: "1006", message: "declined"), actor: "poller")
        #expect(late == .failed(applied: false))
        #expect(try await store.transaction(id: transaction.id)?.status == .paid)
    }

    @Test func anOpenVerdictSaysWhetherTheProviderMayStillReportItPaid() async throws {
        let store = try await Self.store()
        let transaction = Fixtures.transaction()
        try await store.insertTransaction(transaction, actor: "test")
        let settlement = Settlement(store: store)
        for (reason, mayBePaid) in [
            (Settlement.OpenReason.queryFailed("timeout"), true), (.providerNotEnabled, true),
            (.pending(code: "1000"), false), (.unknownToProvider, false),
        ] {
            #expect(try await settlement.settle(transaction, .open(reason), actor: "sweeper") == .open(reason))
            #expect(reason.mayStillBePaid == mayBePaid, "\(reason)")
        }
        #expect(try await store.transaction(id: transaction.id)?.status == .pending)
    }
}
