import Console
import Foundation
import HotspotPayCore
import Logging
import Payments
import Store
import Synchronization
import TestSupport
import Testing

@Suite struct UnappliedMoneyDeskTests {
    /// A sale paid twice: the second payment is money received without access.
    static func paidTwice(_ harness: ConsoleHarness) async throws -> (Transaction, UnappliedPayment) {
        let sale = try await harness.paidSale()
        _ = try await harness.store.confirmPayment(
            PaymentConfirmation(
                transactionID: sale.id, provider: .sandbox, providerReference: "SECOND-PAYMENT", amount: sale.amount,
                at: Date(), actor: "provider:sandbox"))
        return (sale, try #require(try await harness.store.unappliedPayments(open: true, limit: 10).first))
    }

    @Test func aDuplicateCannotBeGrantedOnlyRefundedMarkedOrDismissed() async throws {
        let harness = try await ConsoleHarness()
        let (_, money) = try await Self.paidTwice(harness)
        let grant = await ConsoleErrorProbe.error {
            _ = try await harness.console.unapplied.resolve(
                id: money.id, action: .grant, note: "more time", actor: "operator:lan")
        }
        #expect(grant?.isConflict == true && grant?.description.contains("extend the device's grant") == true)
        let noNote = await ConsoleErrorProbe.error {
            _ = try await harness.console.unapplied.resolve(
                id: money.id, action: .dismiss, note: " ", actor: "operator:lan")
        }
        #expect(noNote?.problems.first?.field == "note")
        let marked = try await harness.console.unapplied.resolve(
            id: money.id, action: .markRefunded, note: "cash back at the counter", actor: "operator:lan")
        #expect(marked.resolution == .refunded && marked.resolvedBy == "operator:lan")
    }

    @Test func grantingAPaymentForACancelledOrderUnlocksTheDevice() async throws {
        let rings = Rings()
        let harness = try await ConsoleHarness()
        let console = OperatorConsole(
            store: harness.store, providers: PaymentProviders([harness.sandbox]), logger: Logger(label: "test"),
            hasher: CryptPasswordHasher(cost: 1), unlocks: rings)
        let transaction = Fixtures.transaction()
        try await harness.store.insertTransaction(transaction, actor: "test")
        _ = try await harness.store.apply(
            .cancel, toTransaction: transaction.id, at: Date(), actor: "guest", detail: "")
        _ = try await harness.store.confirmPayment(
            PaymentConfirmation(
                transactionID: transaction.id, provider: .sandbox, providerReference: "LATE",
                amount: transaction.amount,
                at: Date(), actor: "provider:sandbox"))
        let money = try #require(try await console.unapplied.list().first)
        let granted = try await console.unapplied.resolve(
            id: money.id, action: .grant, note: "guest showed the receipt", actor: "operator:lan")
        #expect(granted.resolution == .granted)
        #expect(try await harness.store.transaction(id: transaction.id)?.status == .paid)
        #expect(try await harness.store.activeGrant(mac: transaction.mac) != nil)
        #expect(try await harness.store.unlockJobs(transactionID: transaction.id).count == 1)
        #expect(rings.count.withLock { $0 } == 1)
        #expect(try await console.unapplied.list().isEmpty)
    }
}

/// Counts what the unlock worker would have been told.
final class Rings: UnlockDispatch {
    let count = Mutex(0)
    var sendsClaimedJobs: Bool { false }
    func queued() { count.withLock { $0 += 1 } }
    func sendNow(_ job: UnlockJob, grant: Grant?, transaction: Transaction?) {}
}
