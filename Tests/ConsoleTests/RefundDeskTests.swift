import Console
import FakeProviders
import Foundation
import HotspotPayCore
import Logging
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

    /// A MoMo sale paid at the fake MoMo, and a console whose MoMo calls give up after a second.
    static func momoSale(_ base: String, _ fake: FakeProviderServer, _ label: String = #function) async throws
        -> (ConsoleHarness, OperatorConsole, Transaction)
    {
        let harness = try await ConsoleHarness(label)
        let momo = MoMoProvider(
            settings: FakeSettings.momo(base, timeout: 1), http: AsyncHTTPProviderClient(), logger: Logger(label: "t"))
        let console = OperatorConsole(
            store: harness.store, providers: PaymentProviders([momo]), logger: Logger(label: "test"),
            hasher: CryptPasswordHasher(cost: 1))
        let transaction = Fixtures.transaction(provider: .momo)
        try await harness.store.insertTransaction(transaction, actor: "test")
        // The sale itself is made with a patient client: a loaded machine (the whole suite on two
        // cores) can take more than the refunds' one second to answer the creation.
        let patient = MoMoProvider(
            settings: FakeSettings.momo(base, timeout: 15), http: AsyncHTTPProviderClient(), logger: Logger(label: "t"))
        let request = try await patient.createPayment(
            for: transaction, plan: Fixtures.plan(),
            context: PaymentContext(
                returnURL: "http://portal.test/pay/x", callbackBaseURL: "http://portal.test/callbacks", language: .vi,
                clientIP: nil))
        let (_, ipn) = try await fake.momoIPN(orderID: request.providerOrderID)
        _ = try await harness.store.confirmPayment(
            PaymentConfirmation(
                transactionID: transaction.id, provider: .momo, providerReference: "\(ipn["transId"]!)",
                amount: transaction.amount, at: Date(), actor: "provider:momo"))
        return (harness, console, try #require(try await harness.store.transaction(id: transaction.id)))
    }

    @Test func aRefundWhoseAnswerNeverCameStaysRequestedAndIsNeverSentTwice() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let (harness, console, sale) = try await Self.momoSale(base, fake)
            // MoMo refunds, but its answer comes after we stopped waiting.
            await fake.ledger.setMoMoRefundDelay(.seconds(3))
            let unknown = try await console.refunds.refund(
                transactionID: sale.id, amount: nil, reason: "guest left", revokeAccess: true, actor: "operator:lan")
            #expect(unknown.refund.status == .requested, "\(unknown.refund)")
            #expect(unknown.refund.note?.contains("outcome unknown") == true)
            #expect(unknown.transaction.status == .paid)
            // The money stays held: nothing is refundable while the outcome is unknown.
            #expect(try await console.sales.sale(id: sale.id).refundable == .zero)
            #expect(
                try await harness.store.auditEvents(transactionID: sale.id).map(\.kind).contains(.refundOutcomeUnknown))
            await fake.ledger.setMoMoRefundDelay(nil)

            // The operator tries again: the outstanding refund is settled with MoMo's query first,
            // and no second refund leaves.
            let again = await ConsoleErrorProbe.error {
                _ = try await console.refunds.refund(
                    transactionID: sale.id, amount: nil, reason: "again", revokeAccess: true, actor: "operator:lan")
            }
            #expect(again?.description.contains("nothing is left to refund") == true, "\(String(describing: again))")
            let refunds = try await harness.store.refunds(transactionID: sale.id)
            #expect(refunds.map(\.status) == [.succeeded], "\(refunds)")
            #expect(try await harness.store.transaction(id: sale.id)?.status == .refunded)
            #expect(await fake.ledger.momoRefunds.count == 1)
            #expect(await fake.ledger.requests.filter { $0 == "momo refund" }.count == 1)
        }
    }

    @Test func checkingARefundMoMoNeverGotFreesItsMoney() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let (harness, console, sale) = try await Self.momoSale(base, fake)
            // A refund row left `requested` by a crash before MoMo was asked.
            let stranded = Refund(
                id: "R-stranded", transactionID: sale.id, amount: sale.amount, reason: "crash", actor: "operator:lan",
                createdAt: Date(), updatedAt: Date())
            try await harness.store.requestRefund(stranded)
            let checked = try await console.refunds.check(refundID: stranded.id, actor: "operator:lan")
            #expect(checked.status == .failed && checked.failure?.contains("never arrived") == true, "\(checked)")
            #expect(try await console.sales.sale(id: sale.id).refundable == sale.amount)
        }
    }

    @Test func withoutARefundQueryTheOperatorSettlesItByHand() async throws {
        let harness = try await ConsoleHarness()
        let sale = try await harness.paidSale()
        let stranded = Refund(
            id: "R-hand", transactionID: sale.id, amount: sale.amount, reason: "crash", actor: "operator:lan",
            createdAt: Date(), updatedAt: Date())
        try await harness.store.requestRefund(stranded)
        // The sandbox has a query; it never saw this refund id, so it was never made.
        let checked = try await harness.console.refunds.check(refundID: stranded.id, actor: "operator:lan")
        #expect(checked.status == .failed)
        let second = Refund(
            id: "R-hand-2", transactionID: sale.id, amount: sale.amount, reason: "again", actor: "operator:lan",
            createdAt: Date(), updatedAt: Date())
        try await harness.store.requestRefund(second)
        let missing = await ConsoleErrorProbe.error {
            _ = try await harness.console.refunds.resolve(
                refundID: second.id, succeeded: true, providerReference: nil, note: "seen in the portal",
                actor: "operator:lan")
        }
        #expect(missing?.problems.first?.field == "provider_reference")
        let settled = try await harness.console.refunds.resolve(
            refundID: second.id, succeeded: true, providerReference: "PORTAL-77", note: "seen in the portal",
            actor: "operator:lan")
        #expect(settled.status == .succeeded && settled.providerReference == "PORTAL-77")
        #expect(try await harness.store.transaction(id: sale.id)?.status == .refunded)
    }

    @Test(arguments: [
        (ProviderError.timeout(provider: .momo, operation: "refund", seconds: 30), false),
        (.transport(provider: .momo, operation: "refund", message: "reset"), false),
        (.httpStatus(provider: .vnpay, operation: "refund", status: 502, body: ""), false),
        (.badResponse(provider: .vnpay, operation: "refund", message: "?"), false),
        (.inProgress(provider: .momo, operation: "refund", code: "7002", message: ""), false),
        (.httpStatus(provider: .vnpay, operation: "refund", status: 400, body: ""), true),
        (.refused(provider: .momo, operation: "refund", code: "1080", message: ""), true),
        (.unsupported(provider: .vietqr, operation: "refund"), true),
    ])
    func onlyADefiniteRefusalFailsARefund(error: ProviderError, definite: Bool) {
        #expect(error.isDefiniteRefusal == definite)
    }
}
