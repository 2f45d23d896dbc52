import Console
import Foundation
import HotspotPayCore
import Payments
import Store
import TestSupport
import Testing

@Suite struct RefundDeskTests {
    @Test func aFullRefundGoesThroughTheProviderMarksTheSaleRefundedAndEndsAccess() async throws {
        let harness = try await ConsoleHarness()
        let sale = try await harness.paidSale()
        let session = RadiusSession(
            routerID: "cafe", acctSessionID: "s-1", mac: sale.mac, userName: sale.mac.description, framedIP: nil,
            startedAt: Date(), updatedAt: Date())
        try await harness.store.recordSession(session)
        let outcome = try await harness.console.refunds.refund(
            transactionID: sale.id, amount: nil, reason: "guest could not connect", revokeAccess: true,
            actor: "operator:lan")
        #expect(outcome.transaction.status == .refunded)
        #expect(outcome.refund.amount == sale.amount)
        #expect(outcome.refund.providerReference?.hasPrefix("SBR") == true)
        #expect(outcome.revokedGrant?.status == .revoked)
        // The sandbox (the provider) saw it.
        #expect(
            await harness.sandbox.ledger.entry(ProviderOrderID(sale).description)
                == .refunded(reference: outcome.refund.providerReference!, amount: sale.amount))
        // The device's open session gets a Disconnect.
        let jobs = try await harness.store.dueUnlockJobs(at: Date().addingTimeInterval(1), limit: 10)
        #expect(jobs.contains { $0.action == .disconnect && $0.mac == sale.mac })
        let kinds = try await harness.store.auditEvents(transactionID: sale.id).map(\.kind)
        #expect(kinds.contains(.transactionRefunded))
        #expect(kinds.contains(.grantRevoked))
        let detail = try await harness.console.sales.sale(id: sale.id)
        #expect(detail.refundable == .zero)
        #expect(detail.timeline.contains { $0.step == "refund" })
    }

    @Test func partialRefundsAddUpAndNeverExceedWhatWasPaid() async throws {
        let harness = try await ConsoleHarness()
        let sale = try await harness.paidSale()  // 10,000 VND
        let first = try await harness.console.refunds.refund(
            transactionID: sale.id, amount: "4k", reason: "slow WiFi", revokeAccess: true, actor: "operator:lan")
        #expect(first.transaction.status == .paid)  // partly refunded sales stay paid
        #expect(first.revokedGrant == nil)  // and keep their access
        let tooMuch = await ConsoleErrorProbe.error {
            _ = try await harness.console.refunds.refund(
                transactionID: sale.id, amount: "7000", reason: "again", revokeAccess: false, actor: "operator:lan")
        }
        #expect(tooMuch?.isConflict == true)
        #expect(tooMuch?.description.contains("at most 6000 VND") == true)
        let rest = try await harness.console.refunds.refund(
            transactionID: sale.id, amount: nil, reason: "rest", revokeAccess: false, actor: "operator:lan")
        #expect(rest.refund.amount == Money(dong: 6000))
        #expect(rest.transaction.status == .refunded)
        #expect(rest.revokedGrant == nil)  // asked to keep access
        #expect(try await harness.store.activeGrant(mac: sale.mac) != nil)
        let kinds = try await harness.store.auditEvents(transactionID: sale.id).map(\.kind)
        #expect(kinds.filter { $0 == .transactionPartlyRefunded }.count == 1)
        #expect(kinds.filter { $0 == .transactionRefunded }.count == 1)
        let revenue = try await harness.console.dashboard.revenue(
            from: harness.console.venue.dayText(Date()), to: harness.console.venue.dayText(Date()), by: .plan)
        #expect(revenue.first?.gross == Money(dong: 10_000))
        #expect(revenue.first?.refunded == Money(dong: 10_000))
        #expect(revenue.first?.net == .zero)
    }

    @Test func aProviderRefusalIsRecordedAndLeavesTheAmountRefundable() async throws {
        let harness = try await ConsoleHarness()
        // Paid in our books, but the sandbox wallet never saw it: the provider refuses.
        let transaction = Fixtures.transaction()
        try await harness.store.insertTransaction(transaction, actor: "test")
        _ = try await harness.store.confirmPayment(
            PaymentConfirmation(
                transactionID: transaction.id, provider: .sandbox, providerReference: "elsewhere",
                amount: transaction.amount, at: Date(), actor: "test"))
        let refused = await ConsoleErrorProbe.error {
            _ = try await harness.console.refunds.refund(
                transactionID: transaction.id, amount: nil, reason: "test", revokeAccess: true, actor: "operator:lan")
        }
        guard case .provider(let error) = refused else {
            Issue.record("expected a provider error, got \(String(describing: refused))")
            return
        }
        #expect("\(error)".contains("notPaid"))
        let refunds = try await harness.store.refunds(transactionID: transaction.id)
        #expect(refunds.map(\.status) == [.failed])
        #expect(try await harness.store.transaction(id: transaction.id)?.status == .paid)
        #expect(try await harness.console.sales.sale(id: transaction.id).refundable == transaction.amount)
        #expect(try await harness.store.auditEvents(transactionID: transaction.id).map(\.kind).contains(.refundFailed))
    }

    @Test func onlyPaidSalesCanBeRefundedAndInputIsChecked() async throws {
        let harness = try await ConsoleHarness()
        let pending = Fixtures.transaction()
        try await harness.store.insertTransaction(pending, actor: "test")
        let notPaid = await ConsoleErrorProbe.error {
            _ = try await harness.console.refunds.refund(
                transactionID: pending.id, amount: nil, reason: "x", revokeAccess: true, actor: "operator:lan")
        }
        #expect(notPaid?.isConflict == true)
        let sale = try await harness.paidSale(mac: try MACAddress("AA:BB:CC:DD:EE:02"))
        for (amount, reason, field) in [("lots", "x", "amount"), ("0", "x", "amount"), (nil, " ", "reason")] {
            let error = await ConsoleErrorProbe.error {
                _ = try await harness.console.refunds.refund(
                    transactionID: sale.id, amount: amount, reason: reason, revokeAccess: true, actor: "operator:lan")
            }
            #expect(error?.problems.first?.field == field)
        }
        let missing = await ConsoleErrorProbe.error {
            _ = try await harness.console.refunds.refund(
                transactionID: "nope", amount: nil, reason: "x", revokeAccess: true, actor: "operator:lan")
        }
        #expect(missing == .notFound(entity: "sale", id: "nope"))
        #expect(try await harness.store.refunds(transactionID: sale.id).isEmpty)
    }
}
