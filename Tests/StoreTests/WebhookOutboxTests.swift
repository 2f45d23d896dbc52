import Foundation
import GRDB
import HotspotPayCore
import Store
import TestSupport
import Testing

/// The outbox: an event exists exactly when the change it reports committed, one delivery per
/// subscribed endpoint, claimed by one node at a time, in order per sale.
@Suite struct WebhookOutboxTests {
    static let secret = Secret("whsec_test_0123456789abcdef")

    func endpoint(
        _ id: String = "pms", events: Set<WebhookEventType> = Set(WebhookEventType.all), enabled: Bool = true
    ) -> WebhookEndpoint {
        WebhookEndpoint(
            id: id, url: "https://pms.example.com/hooks", events: events, secret: Self.secret, enabled: enabled,
            createdAt: Date())
    }

    func paidSale(_ harness: BackendHarness, mac: MACAddress = Fixtures.mac, reference: String = "MOMO-1") async throws
        -> Transaction
    {
        let transaction = try await harness.newPending(mac: mac)
        let applied = try await harness.store.confirmPayment(harness.confirmation(transaction, reference: reference))
        guard case .applied = applied else { throw StoreError.notFound(entity: "applied", id: transaction.id) }
        return transaction
    }

    @Test(arguments: StoreBackend.allCases) func aConfirmedPaymentQueuesItsEventsForSubscribedEndpointsOnly(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        try await harness.store.addWebhookEndpoint(endpoint("all"), actor: "test")
        try await harness.store.addWebhookEndpoint(endpoint("money", events: [.paymentSucceeded]), actor: "test")
        try await harness.store.addWebhookEndpoint(endpoint("off", enabled: false), actor: "test")
        let sale = try await paidSale(harness)

        let all = try await harness.store.webhookDeliveries(endpointID: "all", status: nil, limit: 10)
        #expect(all.map(\.eventType).reversed() == [.paymentSucceeded, .grantStarted])
        #expect(all.allSatisfy { $0.transactionID == sale.id && $0.status == .pending })
        let money = try await harness.store.webhookDeliveries(endpointID: "money", status: nil, limit: 10)
        #expect(money.map(\.eventType) == [.paymentSucceeded])
        #expect(money[0].eventID == all.last?.eventID, "one event, one id, whatever the endpoint")
        #expect(try await harness.store.webhookDeliveries(endpointID: "off", status: nil, limit: 10).isEmpty)

        let body = try #require(try await harness.store.webhookEventBody(eventID: money[0].eventID))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let event = try decoder.decode(WebhookEvent.self, from: Data(body.utf8))
        #expect(event.type == .paymentSucceeded && event.id == money[0].eventID)
        #expect(event.data.transaction?.id == sale.id && event.data.transaction?.status == "paid")
        #expect(event.data.transaction?.providerReference == "MOMO-1")
        #expect(event.data.grant?.mac == Fixtures.mac.description)
        #expect(body.contains("\"amount_vnd\":10000"), "snake_case keys: \(body)")
    }

    /// The events of a day at the counter, each from the store write that makes the change.
    @Test(arguments: StoreBackend.allCases) func expiriesVouchersSecondPaymentsAndRevocationsAreReported(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        try await harness.store.addWebhookEndpoint(endpoint(), actor: "test")
        let expiring = try await harness.newPending(mac: try MACAddress("02:00:00:00:09:01"))
        _ = try await harness.store.apply(
            .expire, toTransaction: expiring.id, at: Date(), actor: "sweeper", detail: "window closed")
        let batch = VoucherBatch(
            id: "b1", planID: "1h", count: 1, validUntil: Date().addingTimeInterval(3600), price: Money(dong: 5_000),
            createdAt: Date(), createdBy: "test")
        var generator = SystemRandomNumberGenerator()
        let code = VoucherCode.random(using: &generator)
        try await harness.store.addVoucherBatch(batch, codes: [code], actor: "test")
        let redeemed = try await harness.store.redeemVoucher(
            code, mac: try MACAddress("02:00:00:00:09:02"), routerID: "cafe", clientIP: nil, at: Date())
        guard case .redeemed(.applied(_, let grant, _, _)) = redeemed else {
            Issue.record("\(redeemed)")
            return
        }
        let paid = try await paidSale(harness, mac: try MACAddress("02:00:00:00:09:03"), reference: "R-1")
        _ = try await harness.store.confirmPayment(harness.confirmation(paid, reference: "R-2"))  // paid twice
        _ = try await harness.store.apply(.revoke, toGrant: grant.id, at: Date(), actor: "operator:lan", detail: "x")

        let types = try await harness.store.webhookDeliveries(endpointID: nil, status: nil, limit: 50)
            .reversed().map(\.eventType)
        #expect(
            types == [
                .paymentExpired, .voucherRedeemed, .paymentSucceeded, .grantStarted, .paymentSucceeded, .grantStarted,
                .paymentUnapplied, .grantEnded,
            ], "\(types)")
    }

    @Test func aChangeThatRollsBackLeavesNoEvent() async throws {
        let harness = try await BackendHarness(.sqlite)
        try await harness.store.addWebhookEndpoint(endpoint(), actor: "test")
        let transaction = try await harness.newPending()
        // The grant's link fails after the payment's audit line was written: all of it rolls back.
        let raw = try DatabaseQueue(path: harness.path)
        try await raw.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER refuse_link BEFORE INSERT ON grant_transactions
                    BEGIN SELECT RAISE(ABORT, 'disk trouble'); END
                    """)
        }
        await #expect(throws: StoreError.self) {
            _ = try await harness.store.confirmPayment(harness.confirmation(transaction))
        }
        #expect(try await harness.store.webhookDeliveries(endpointID: nil, status: nil, limit: 10).isEmpty)
        try await raw.write { db in try db.execute(sql: "DROP TRIGGER refuse_link") }
        _ = try await harness.store.confirmPayment(harness.confirmation(transaction))
        #expect(try await harness.store.webhookDeliveries(endpointID: nil, status: nil, limit: 10).count == 2)
    }

    @Test(arguments: StoreBackend.allCases) func twoNodesNeverClaimTheSameDelivery(_ backend: StoreBackend) async throws
    {
        let harness = try await BackendHarness(backend)
        try await harness.store.addWebhookEndpoint(endpoint(events: [.paymentSucceeded]), actor: "test")
        for index in 0..<40 {
            _ = try await paidSale(
                harness, mac: try MACAddress(String(format: "02:00:00:00:00:%02X", index)), reference: "R\(index)")
        }
        let other = try harness.node()
        let now = Date()
        let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for store in [harness.store, other, harness.store, other] {
                group.addTask {
                    var mine: [Int64] = []
                    while true {
                        let batch = try await store.claimWebhookDeliveries(at: now, limit: 3, leaseSeconds: 60)
                        if batch.isEmpty { return mine }
                        mine += batch.map(\.delivery.id)
                    }
                }
            }
            return try await group.reduce(into: [Int64]()) { $0 += $1 }
        }
        #expect(claims.count == 40 && Set(claims).count == 40)
        // Claimed is not delivered: when the lease runs out (a node died mid-send) they are due again.
        let again = try await other.claimWebhookDeliveries(at: now.addingTimeInterval(61), limit: 100, leaseSeconds: 60)
        #expect(again.count == 40)
        #expect(again.allSatisfy { $0.secret == Self.secret && $0.url == "https://pms.example.com/hooks" })
    }

    @Test(arguments: StoreBackend.allCases) func aDisabledEndpointsDeliveriesWaitUntilItIsEnabledAgain(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        try await harness.store.addWebhookEndpoint(endpoint(events: [.paymentSucceeded]), actor: "test")
        _ = try await paidSale(harness)
        var paused = try #require(try await harness.store.webhookEndpoint(id: "pms"))
        paused.enabled = false
        try await harness.store.updateWebhookEndpoint(paused, actor: "test")
        #expect(try await harness.store.claimWebhookDeliveries(at: Date(), limit: 10, leaseSeconds: 30).isEmpty)
        paused.enabled = true
        try await harness.store.updateWebhookEndpoint(paused, actor: "test")
        #expect(try await harness.store.claimWebhookDeliveries(at: Date(), limit: 10, leaseSeconds: 30).count == 1)
    }

    @Test(arguments: StoreBackend.allCases) func eventsAboutOneSaleGoOutInOrder(_ backend: StoreBackend) async throws {
        let harness = try await BackendHarness(backend)
        try await harness.store.addWebhookEndpoint(endpoint(), actor: "test")
        _ = try await paidSale(harness)
        let now = Date()
        let first = try await harness.store.claimWebhookDeliveries(at: now, limit: 10, leaseSeconds: 30)
        #expect(first.map(\.delivery.eventType) == [.paymentSucceeded], "grant.started waits for payment.succeeded")
        // The first fails and waits a minute: the second still waits behind it.
        _ = try await harness.store.recordWebhookAttempt(
            attempt(first[0], at: now, status: 500), retryAt: now.addingTimeInterval(60))
        #expect(try await harness.store.claimWebhookDeliveries(at: now, limit: 10, leaseSeconds: 30).isEmpty)
        let retried = try await harness.store.claimWebhookDeliveries(
            at: now.addingTimeInterval(60), limit: 10, leaseSeconds: 30)
        #expect(retried.map(\.delivery.eventType) == [.paymentSucceeded])
        let delivered = try await harness.store.recordWebhookAttempt(
            attempt(retried[0], at: now.addingTimeInterval(60), status: 200), retryAt: nil)
        #expect(delivered.status == .delivered && delivered.attempts == 2)
        let second = try await harness.store.claimWebhookDeliveries(
            at: now.addingTimeInterval(61), limit: 10, leaseSeconds: 30)
        #expect(second.map(\.delivery.eventType) == [.grantStarted])
        let log = try await harness.store.webhookAttempts(deliveryID: first[0].delivery.id)
        #expect(log.map(\.statusCode) == [500, 200])
    }

    @Test(arguments: StoreBackend.allCases) func aSpentScheduleIsDeadUntilAnOperatorSendsItAgain(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        try await harness.store.addWebhookEndpoint(endpoint(), actor: "test")
        let test = try await harness.store.queueWebhookTest(endpointID: "pms", at: Date(), actor: "operator:lan")
        #expect(test.eventType == .test)
        let claimed = try await harness.store.claimWebhookDeliveries(at: Date(), limit: 10, leaseSeconds: 30)
        let dead = try await harness.store.recordWebhookAttempt(
            attempt(claimed[0], at: Date(), status: 410), retryAt: nil)
        #expect(dead.status == .dead)
        #expect(try await harness.store.webhookDeliveryCounts()[.dead] == 1)
        let again = try await harness.store.retryWebhookDelivery(id: dead.id, at: Date(), actor: "operator:lan")
        #expect(again.status == .pending && again.attempts == 1 && again.attemptsThisRound == 0)
        let reclaimed = try await harness.store.claimWebhookDeliveries(at: Date(), limit: 10, leaseSeconds: 30)
        let delivered = try await harness.store.recordWebhookAttempt(
            attempt(reclaimed[0], at: Date(), status: 204), retryAt: nil)
        #expect(delivered.status == .delivered && delivered.attempts == 2)
        await #expect(throws: StoreError.self) {
            _ = try await harness.store.retryWebhookDelivery(id: delivered.id, at: Date(), actor: "operator:lan")
        }
        #expect(try await harness.store.pruneWebhookDeliveries(deliveredBefore: Date().addingTimeInterval(1)) == 1)
        #expect(try await harness.store.webhookDelivery(id: delivered.id) == nil)
    }

    @Test(arguments: StoreBackend.allCases) func removingAnEndpointTakesItsQueueAndRefusesBadEndpoints(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        try await harness.store.addWebhookEndpoint(endpoint(), actor: "test")
        _ = try await paidSale(harness)
        try await harness.store.removeWebhookEndpoint(id: "pms", actor: "test")
        #expect(try await harness.store.webhookDeliveries(endpointID: nil, status: nil, limit: 10).isEmpty)
        var bad = endpoint("bad")
        bad.url = "ftp://pms.example.com"
        bad.events = [WebhookEventType(rawValue: "payment.maybe")]
        bad.secret = Secret("short")
        await #expect(throws: StoreError.self) { try await harness.store.addWebhookEndpoint(bad, actor: "test") }
        do {
            try await harness.store.addWebhookEndpoint(bad, actor: "test")
        } catch {
            guard case .invalid(let problems) = error else { throw error }
            #expect(Set(problems.map(\.field)) == ["url", "events", "secret"])
        }
    }

    @Test func theSendersQueryUsesThePartialIndexes() async throws {
        let harness = try await BackendHarness(.sqlite)
        try await harness.store.addWebhookEndpoint(endpoint(), actor: "test")
        for index in 0..<30 {
            _ = try await paidSale(
                harness, mac: try MACAddress(String(format: "02:00:00:00:01:%02X", index)), reference: "Q\(index)")
        }
        let now = Date().epochMillisecondsForTests
        let plan = try await harness.sqlite.queryPlan(SQLiteStore.dueWebhookDeliveriesSQL, arguments: [now, now, 20])
        #expect(plan.contains { $0.contains("webhook_deliveries_due") }, "plan: \(plan)")
        #expect(plan.contains { $0.contains("webhook_deliveries_sale") }, "plan: \(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN") }, "plan: \(plan)")
    }

    @Test func rekeyReSealsWebhookSecrets() async throws {
        let harness = try await BackendHarness(.sqlite)
        try await harness.store.addWebhookEndpoint(endpoint(), actor: "test")
        let newKey = try SecretKey(bytes: Array(repeating: 9, count: 32))
        #expect(try await harness.sqlite.resealSecrets(with: newKey, actor: "test") == 2)  // router + webhook
        let reopened = try SQLiteStore(path: harness.path, cipher: SecretCipher(key: newKey))
        try await reopened.checkSecretKey()
        #expect(try await reopened.webhookEndpoint(id: "pms")?.secret == Self.secret)
        #expect(try await reopened.sealedKeyIDs() == [newKey.id: 2])
    }

    func attempt(_ dispatch: WebhookDispatch, at: Date, status: Int) -> WebhookAttempt {
        WebhookAttempt(
            deliveryID: dispatch.delivery.id, number: dispatch.delivery.attempts + 1, at: at, statusCode: status,
            latencyMilliseconds: 12, responseExcerpt: "x", error: (200..<300).contains(status) ? nil : "HTTP \(status)")
    }
}

extension Date {
    var epochMillisecondsForTests: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}
