import Foundation
import GRDB
import HotspotPayCore
import Store
import TestSupport
import Testing

/// Money a provider confirmed that gave nobody access: recorded once, listed, and resolved by an
/// operator (refund, grant or dismiss), always with its audit line.
@Suite struct UnappliedPaymentTests {
    @Test(arguments: StoreBackend.allCases) func aSecondPaymentForAPaidOrderIsListedOnceAndAnsweredAsSettled(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let transaction = try await harness.newPending()
        _ = try await harness.store.confirmPayment(harness.confirmation(transaction, reference: "FIRST"))
        // The guest paid twice (another provider reference); the provider delivers it three times.
        for _ in 0..<3 {
            let again = try await harness.store.confirmPayment(harness.confirmation(transaction, reference: "SECOND"))
            #expect(again == .rejected(.duplicatePayment(existingReference: "FIRST")))
        }
        // The first payment delivered again is still just "already confirmed".
        guard
            case .alreadyConfirmed = try await harness.store.confirmPayment(
                harness.confirmation(transaction, reference: "FIRST"))
        else {
            Issue.record("a redelivery of the applied payment must be alreadyConfirmed")
            return
        }
        let listed = try await harness.store.unappliedPayments(open: true, limit: 10)
        #expect(listed.count == 1)
        #expect(listed.first?.kind == .duplicate && listed.first?.providerReference == "SECOND")
        #expect(listed.first?.amount == transaction.amount && listed.first?.transactionID == transaction.id)
        let audit = try await harness.store.auditEvents(transactionID: transaction.id)
        #expect(audit.filter { $0.kind == .paymentDuplicate }.count == 1)
        #expect(audit.first { $0.kind == .paymentDuplicate }?.amount == transaction.amount)
        #expect(try await harness.store.grant(transactionID: transaction.id)?.transactionIDs.count == 1)
    }

    @Test(arguments: StoreBackend.allCases) func aSuccessForACancelledOrderIsListedAndGrantingItPaysTheOrderOnce(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let transaction = try await harness.newPending()
        _ = try await harness.store.apply(
            .cancel, toTransaction: transaction.id, at: Date(), actor: "guest", detail: "")
        guard case .rejected(.notPayable) = try await harness.store.confirmPayment(harness.confirmation(transaction))
        else {
            Issue.record("a cancelled order must not be paid by a callback")
            return
        }
        let money = try #require(try await harness.store.unappliedPayments(open: true, limit: 10).first)
        #expect(money.kind == .unapplied)
        #expect(try await harness.store.auditEvents(transactionID: transaction.id).last?.kind == .paymentUnapplied)

        let granted = try await harness.store.grantUnappliedPayment(
            id: money.id, note: "guest showed the MoMo receipt", actor: "operator:lan", at: Date())
        guard case .applied(let paid, let grant, let job, _) = granted else {
            Issue.record("expected the order paid, got \(granted)")
            return
        }
        #expect(paid.status == .paid && paid.providerReference == money.providerReference)
        #expect(grant.status == .active && grant.mac == Fixtures.mac)
        #expect(job?.action == .disconnect)  // a new pass on a coa router: the captive session ends
        let closed = try #require(try await harness.store.unappliedPayment(id: money.id))
        #expect(closed.resolution == .granted && closed.resolvedBy == "operator:lan")
        #expect(try await harness.store.unappliedPayments(open: true, limit: 10).isEmpty)
        // Once only.
        await #expect(throws: StoreError.self) {
            _ = try await harness.store.grantUnappliedPayment(
                id: money.id, note: "again", actor: "operator:lan", at: Date())
        }
        let kinds = try await harness.store.auditEvents(transactionID: transaction.id).map(\.kind)
        #expect(kinds.contains(.paymentConfirmed) && kinds.contains(.grantStarted) && kinds.last == .unappliedResolved)
    }

    @Test(arguments: StoreBackend.allCases) func anOutstandingRefundBlocksASecondOneAndDismissingClosesIt(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let transaction = try await harness.newPending()
        _ = try await harness.store.confirmPayment(harness.confirmation(transaction, reference: "FIRST"))
        _ = try await harness.store.confirmPayment(harness.confirmation(transaction, reference: "SECOND"))
        let money = try #require(try await harness.store.unappliedPayments(open: true, limit: 10).first)
        let sent = try await harness.store.markUnappliedRefundRequested(id: money.id, at: Date(), actor: "operator:lan")
        #expect(sent.refundRequestedAt != nil)
        await #expect(throws: StoreError.self) {
            _ = try await harness.store.markUnappliedRefundRequested(id: money.id, at: Date(), actor: "operator:lan")
        }
        // The provider refused it: the slot is free again.
        _ = try await harness.store.markUnappliedRefundRequested(id: money.id, at: nil, actor: "operator:lan")
        _ = try await harness.store.markUnappliedRefundRequested(id: money.id, at: Date(), actor: "operator:lan")
        let dismissed = try await harness.store.resolveUnappliedPayment(
            id: money.id, resolution: .refunded, note: "refunded at the bank counter", actor: "operator:lan", at: Date()
        )
        #expect(dismissed.resolution == .refunded)
        await #expect(throws: StoreError.self) {
            _ = try await harness.store.resolveUnappliedPayment(
                id: money.id, resolution: .dismissed, note: "twice", actor: "operator:lan", at: Date())
        }
    }

    @Test func theNeedsReviewMigrationKeepsEveryTransactionAndItsIndexes() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("old.sqlite").path
        let cipher = SecretCipher(key: try SecretKey(bytes: Array(repeating: 7, count: 32)))
        // A database as the previous release left it, with sales in it.
        try SQLiteStore.migrate(path: path, upTo: "v6-buyers-and-hotspot-address")
        let old = try SQLiteStore(path: path, cipher: cipher, migrate: false)
        try await old.addPlan(Fixtures.plan(), actor: "test")
        _ = old
        let sales = (0..<5).map { Fixtures.transaction(mac: MACAddress(octets: [2, 0, 0, 0, 0, UInt8($0)])) }
        let ids = sales.map(\.id)
        // The sales, the router, the first sale's payment, grant and acknowledged CoA, written in that
        // release's columns (today's code writes columns it did not have).
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            for sale in sales {
                try db.execute(
                    sql: """
                        INSERT INTO transactions (id, order_code, plan_id, amount_vnd, mac, router_id, provider, status,
                            callback_token, login_secret, created_at, expires_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, 'cafe', 'sandbox', 'pending', ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        sale.id, sale.orderCode.description, sale.planID, sale.amount.dong, sale.mac.description,
                        sale.callbackToken.hex, sale.loginSecret?.text, sale.createdAt.epochMilliseconds,
                        sale.expiresAt.epochMilliseconds, sale.updatedAt.epochMilliseconds,
                    ])
            }
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let first = ids[0]
        let sealedSecret = try cipher.seal("router-secret-0123456789", entity: "router", id: "cafe")
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO routers (id, name, nas_identifier, address, secret_sealed, coa_port, strategy, created_at,
                        updated_at)
                    VALUES ('cafe', 'Cafe', 'cafe', '10.0.0.1', ?, 3799, 'coa', ?, ?);
                    UPDATE transactions SET status = 'paid', provider_reference = 'R0', paid_at = ? WHERE id = ?;
                    INSERT INTO grants (id, mac, status, starts_at, valid_until, created_at, updated_at)
                    VALUES ('g0', '02:00:00:00:00:00', 'active', ?, ?, ?, ?);
                    INSERT INTO grant_transactions (grant_id, transaction_id, position) VALUES ('g0', ?, 1);
                    INSERT INTO unlock_jobs (id, transaction_id, grant_id, router_id, mac, action, status, attempts,
                        next_attempt_at, created_at, updated_at)
                    VALUES ('j0', ?, 'g0', 'cafe', '02:00:00:00:00:00', 'coa', 'acked', 1, ?, ?, ?);
                    """,
                arguments: [
                    sealedSecret, now, now, now, first, now, now + 3_600_000, now, now, first, first, now, now, now,
                ])
        }
        try await queue.close()

        let store = try SQLiteStore(path: path, cipher: cipher)
        for id in ids { #expect(try await store.transaction(id: id) != nil) }
        #expect(try await store.transaction(id: ids[0])?.status == .paid)
        #expect(try await store.grant(transactionID: ids[0]) != nil)
        // The rebuilt unlock_jobs keeps the job and says how it unlocked.
        let jobs = try await store.unlockJobs(transactionID: ids[0])
        #expect(jobs.map(\.id) == ["j0"] && jobs.first?.unlockedBy == .coa)
        let plan = try await store.queryPlan(SQLiteStore.pendingPastExpirySQL, arguments: [0, 10])
        #expect(plan.contains { $0.contains("USING INDEX transactions_status_expires") }, "\(plan)")
        // The new status is accepted by the rebuilt table.
        _ = try await store.confirmPayment(
            PaymentConfirmation(
                transactionID: ids[1], provider: .sandbox, providerReference: "R1", amount: Money(dong: 1),
                at: Date(), actor: "test"))
        #expect(try await store.transaction(id: ids[1])?.status == .needsReview)
        // Sales made before receipt codes got their digest: the first one's pass moves by its code.
        let moved = try await store.moveGrant(
            receipt: ReceiptCode(of: sales[0]), to: MACAddress(octets: [2, 9, 9, 9, 9, 9]), routerID: "cafe",
            at: Date(), actor: "test")
        guard case .moved = moved else {
            Issue.record("an old sale's receipt code moved nothing: \(moved)")
            return
        }
    }
}
