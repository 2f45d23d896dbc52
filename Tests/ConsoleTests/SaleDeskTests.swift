import Console
import Foundation
import HotspotPayCore
import Payments
import Store
import TestSupport
import Testing

/// The counter's buttons for a stuck sale: ask the provider now, send the unlock again.
@Suite struct SaleDeskTests {
    @Test func askingTheProviderNowAppliesAPaymentItsCallbackNeverDeliveredAndIsAudited() async throws {
        let harness = try await ConsoleHarness()
        let transaction = Fixtures.transaction()
        try await harness.store.insertTransaction(transaction, actor: "test")
        // The guest paid in the wallet; the callback was lost on the way.
        _ = await harness.sandbox.walletCallback(for: transaction, pay: true)
        let recheck = try await harness.console.saleDesk.recheck(
            transactionID: transaction.orderCode.description, actor: "operator:lan")
        #expect(recheck.outcome == .paid(applied: true) && recheck.transaction.status == .paid, "\(recheck)")
        #expect(try await harness.store.grant(transactionID: transaction.id) != nil)
        // The unlock is queued like a callback's (a coa router: a Disconnect ends the captive session).
        #expect(try await harness.store.unlockJobs(transactionID: transaction.id).map(\.action) == [.disconnect])
        let audit = try await harness.store.auditEvents(transactionID: transaction.id)
        let asked = try #require(audit.first { $0.kind == .paymentRechecked })
        #expect(asked.actor == "operator:lan" && asked.detail.contains("now applied"), "\(asked)")
        // Asked again: already applied, nothing doubled.
        let again = try await harness.console.saleDesk.recheck(transactionID: transaction.id, actor: "operator:lan")
        #expect(again.outcome == .paid(applied: false))
        #expect(try await harness.store.unlockJobs(transactionID: transaction.id).count == 1)
    }

    @Test func aProviderWithNoDefiniteAnswerChangesNothingButTheAuditSaysItWasAsked() async throws {
        let harness = try await ConsoleHarness()
        let transaction = Fixtures.transaction()
        try await harness.store.insertTransaction(transaction, actor: "test")
        let recheck = try await harness.console.saleDesk.recheck(transactionID: transaction.id, actor: "operator:lan")
        guard case .open = recheck.outcome else {
            Issue.record("expected no definite answer, got \(recheck.outcome)")
            return
        }
        #expect(recheck.transaction.status == .pending)
        let kinds = try await harness.store.auditEvents(transactionID: transaction.id).map(\.kind)
        #expect(kinds.contains(.paymentRechecked))
    }

    @Test func aCashSaleByTheDevicesCodeIsAPaidSaleInTheCashiersNameAndUnlocksLikeAPayment() async throws {
        let harness = try await ConsoleHarness()
        let mac = try MACAddress("F2:00:00:00:20:01")
        let code = DeviceCode(mac: mac).description
        // The venue has never seen the device (no portal visit, session or purchase): most likely a
        // typo, so the cashier is asked to confirm, and nothing is sold until they do.
        let unseen = await ConsoleErrorProbe.error {
            _ = try await harness.console.saleDesk.sellForCash(
                planID: Fixtures.plan().id, device: code, routerID: nil, actor: "operator:thu")
        }
        #expect(unseen?.problems.first { $0.field == "device" }?.message.contains("confirm_unseen") == true)
        #expect(try await harness.store.transactions(matching: TransactionFilter(mac: mac)).isEmpty)
        let sold = try await harness.console.saleDesk.sellForCash(
            planID: Fixtures.plan().id, device: code.lowercased(), routerID: nil, confirmUnseen: true,
            actor: "operator:thu")
        #expect(
            sold.status == .paid && sold.provider == .cash && sold.mac == mac && sold.amount == Fixtures.plan().price)
        #expect(sold.providerReference == "CASH-\(sold.orderCode)")
        #expect(try await harness.store.activeGrant(mac: mac) != nil)
        #expect(try await harness.store.unlockJobs(transactionID: sold.id).count == 1)
        let paid = try #require(
            try await harness.store.auditEvents(transactionID: sold.id).first { $0.kind == .paymentConfirmed })
        #expect(paid.actor == "operator:thu")
        // By MAC too; a second sale extends the same access.
        let again = try await harness.console.saleDesk.sellForCash(
            planID: Fixtures.plan().id, device: "f2-00-00-00-20-01", routerID: "cafe", actor: "operator:thu")
        #expect(try await harness.store.grant(transactionID: again.id)?.transactionIDs == [sold.id, again.id])
        // A mistyped code, an unknown plan, an unknown router: nothing is sold.
        for (plan, device, router) in [
            (Fixtures.plan().id, "K7QX2-M9P4", nil), ("nope", code, nil), (Fixtures.plan().id, code, "attic"),
        ] as [(String, String, String?)] {
            await #expect(throws: ConsoleError.self) {
                _ = try await harness.console.saleDesk.sellForCash(
                    planID: plan, device: device, routerID: router, actor: "operator:thu")
            }
        }
        #expect(try await harness.store.transactions(matching: TransactionFilter(mac: mac)).count == 2)
    }

    @Test func aOneCharacterTypoSellsNothingAndADeviceThePortalShowedItsCodeToNeedsNoConfirmation() async throws {
        let harness = try await ConsoleHarness()
        let seen = SeenDevices()
        let desk = SaleDesk(store: harness.store, providers: PaymentProviders([]), seenDevices: seen)
        let mac = try MACAddress("F2:00:00:00:20:07")
        seen.note(mac)
        var typo = Array(DeviceCode(mac: mac).description)
        typo[2] = typo[2] == "A" ? "B" : "A"
        for confirm in [false, true] {
            let refused = await ConsoleErrorProbe.error {
                _ = try await desk.sellForCash(
                    planID: Fixtures.plan().id, device: String(typo), routerID: nil, confirmUnseen: confirm,
                    actor: "operator:thu")
            }
            #expect(refused?.problems.first?.message.contains("mistyped") == true, "\(String(describing: refused))")
        }
        #expect(try await harness.store.transactions(matching: TransactionFilter(provider: .cash)).isEmpty)
        let sold = try await desk.sellForCash(
            planID: Fixtures.plan().id, device: DeviceCode(mac: mac).description, routerID: nil, actor: "operator:thu")
        #expect(sold.mac == mac && sold.status == .paid)
    }

    @Test func sendingTheUnlockAgainQueuesAFreshJobOrSaysWhyItCannot() async throws {
        let harness = try await ConsoleHarness()
        let sale = try await harness.paidSale()
        // A coa router with no session for the device: only the device can make the router ask again.
        await #expect(throws: ConsoleError.self) {
            _ = try await harness.console.saleDesk.resendUnlock(transactionID: sale.id, actor: "operator:lan")
        }
        try await harness.store.recordSession(
            RadiusSession(
                routerID: sale.routerID, acctSessionID: "81a00009", mac: sale.mac, userName: sale.mac.description,
                framedIP: try IPAddress("10.5.50.9"), startedAt: Date(), updatedAt: Date()))
        let before = try await harness.store.unlockJobs(transactionID: sale.id).count
        let job = try await harness.console.saleDesk.resendUnlock(transactionID: sale.id, actor: "operator:lan")
        #expect(job.action == .coa && job.status == .queued)
        #expect(try await harness.store.unlockJobs(transactionID: sale.id).count == before + 1)
        let resent = try #require(
            try await harness.store.auditEvents(transactionID: sale.id).first { $0.kind == .unlockResent })
        #expect(resent.actor == "operator:lan")

        // A login router without its REST API: the daemon cannot log the device in; the answer says what to do.
        var lobby = Fixtures.router(id: "lobby", address: "10.0.0.2", strategy: .login)
        try await harness.store.addRouter(lobby, actor: "test")
        let other = Fixtures.transaction(mac: MACAddress(octets: [2, 0, 0, 0, 0, 9]), router: "lobby")
        try await harness.store.insertTransaction(other, actor: "test")
        _ = try await harness.store.confirmPayment(
            PaymentConfirmation(
                transactionID: other.id, provider: .sandbox, providerReference: "LOBBY1", amount: other.amount,
                at: Date(), actor: "test"))
        do {
            _ = try await harness.console.saleDesk.resendUnlock(transactionID: other.id, actor: "operator:lan")
            Issue.record("a login router without the API cannot be told")
        } catch {
            #expect(error.description.contains("REST API"), "\(error)")
        }
        // With the API it is a REST login, due now.
        lobby.api = RouterAPI(
            url: "https://10.0.0.2", user: "hotspotpay", password: Secret("rest-password-1"),
            certificateSHA256: String(repeating: "ab", count: 32))
        try await harness.store.updateRouter(lobby, actor: "test")
        let login = try await harness.console.saleDesk.resendUnlock(transactionID: other.id, actor: "operator:lan")
        #expect(login.action == .login && login.nextAttemptAt <= Date())

        // Not paid: nothing to unlock.
        let pending = Fixtures.transaction(mac: MACAddress(octets: [2, 0, 0, 0, 0, 10]))
        try await harness.store.insertTransaction(pending, actor: "test")
        await #expect(throws: ConsoleError.self) {
            _ = try await harness.console.saleDesk.resendUnlock(transactionID: pending.id, actor: "operator:lan")
        }
    }
}

/// Access sold by another system through the operator API.
@Suite struct ExternalSaleTests {
    @Test func aHotelsCheckInGivesEachDeviceItsAccessOnceWhateverTheRetries() async throws {
        let harness = try await ConsoleHarness()
        let phone = try MACAddress("F2:00:00:00:22:01")
        let laptop = try MACAddress("F2:00:00:00:22:02")
        let first = try await harness.console.saleDesk.sell(
            planID: Fixtures.plan().id, device: phone.description, routerID: nil,
            payment: .external(reference: "PMS-203-2026-12-01"), actor: "operator:pms")
        #expect(first.created && first.sale.provider == .external && first.sale.status == .paid)
        #expect(first.sale.providerReference == "PMS-203-2026-12-01@\(phone)")
        // The PMS retries: the same sale, nothing new.
        let retry = try await harness.console.saleDesk.sell(
            planID: Fixtures.plan().id, device: phone.description, routerID: nil,
            payment: .external(reference: "PMS-203-2026-12-01"), actor: "operator:pms")
        #expect(!retry.created && retry.sale.id == first.sale.id)
        // The same booking's second device gets its own access.
        let second = try await harness.console.saleDesk.sell(
            planID: Fixtures.plan().id, device: DeviceCode(mac: laptop).description, routerID: nil,
            payment: .external(reference: "PMS-203-2026-12-01"), actor: "operator:pms")
        #expect(second.created && second.sale.mac == laptop)
        #expect(try await harness.store.activeGrant(mac: laptop) != nil)
        #expect(try await harness.store.unappliedPayments(open: true, limit: 10).isEmpty)
        await #expect(throws: ConsoleError.self) {
            _ = try await harness.console.saleDesk.sell(
                planID: Fixtures.plan().id, device: phone.description, routerID: nil,
                payment: .external(reference: " "),
                actor: "operator:pms")
        }
    }
}
