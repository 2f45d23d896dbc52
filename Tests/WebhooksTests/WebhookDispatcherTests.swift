import Foundation
import HotspotPayCore
import Logging
import Store
import Synchronization
import TestSupport
import Testing
import Webhooks

/// The dispatcher against a real receiver over HTTP (``WebhookReceiver`` checks each signature
/// itself) and a store on disk; time is a test clock so the retry schedule is walked exactly.
@Suite struct WebhookDispatcherTests {
    final class TestClock: Sendable {
        let now = Mutex(Date())
        func advance(_ seconds: Double) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }
        var read: @Sendable () -> Date { { self.now.withLock { $0 } } }
    }

    struct Setup {
        let store: SQLiteStore
        let receiver: WebhookReceiver
        let clock = TestClock()
        let dispatcher: WebhookDispatcher
        let path: String

        init(
            mode: WebhookReceiver.Mode = .answer(200), allowPrivate: Bool = true, retry: [Int64] = [60, 300],
            events: Set<WebhookEventType> = Set(WebhookEventType.all), _ label: String = #function
        ) async throws {
            let directory = try Fixtures.temporaryDirectory(label)
            path = directory.appendingPathComponent("test.sqlite").path
            store = try SQLiteStore(
                path: path, cipher: SecretCipher(key: try SecretKey(bytes: Array(repeating: 3, count: 32))))
            try await store.addPlan(Fixtures.plan(), actor: "test")
            try await store.addRouter(Fixtures.router(), actor: "test")
            receiver = try WebhookReceiver(secret: "whsec_receiver_secret_0123456789", mode: mode)
            try await store.addWebhookEndpoint(
                WebhookEndpoint(
                    id: "pms", url: receiver.url, events: events, secret: Secret(receiver.secret), createdAt: Date()),
                actor: "test")
            var settings = WebhookDispatcher.Settings()
            settings.retry = WebhookRetrySchedule(delays: retry)
            settings.timeoutSeconds = 2
            dispatcher = WebhookDispatcher(
                store: store, sender: HTTPWebhookSender(),
                addressGuard: OutboundAddressGuard(allowPrivateAddresses: allowPrivate),
                settings: settings, logger: Logger(label: "test"), clock: clock.read)
        }

        func paidSale(_ index: Int = 1) async throws -> Transaction {
            let mac = try MACAddress(String(format: "02:00:00:00:00:%02X", index))
            let transaction = Fixtures.transaction(mac: mac, now: clock.read())
            try await store.insertTransaction(transaction, actor: "test")
            _ = try await store.confirmPayment(
                PaymentConfirmation(
                    transactionID: transaction.id, provider: transaction.provider, providerReference: "REF-\(index)",
                    amount: transaction.amount, at: clock.read(), actor: "provider:test"))
            return transaction
        }
    }

    @Test func everyDeliveryIsSignedAndLogged() async throws {
        let setup = try await Setup()
        let sale = try await setup.paidSale()
        #expect(try await setup.dispatcher.deliverDue() == 1)  // payment.succeeded; grant.started waits its turn
        #expect(try await setup.dispatcher.deliverDue() == 1)
        let received = setup.receiver.received
        #expect(received.count == 2)
        #expect(received.allSatisfy { $0.signatureValid })
        #expect(received.map(\.eventType) == ["payment.succeeded", "grant.started"])
        #expect(
            (received[0].json["data"] as? [String: Any]).flatMap { $0["transaction"] as? [String: Any] }?["id"]
                as? String == sale.id)
        #expect(received[0].headers["content-type"] == "application/json")
        let deliveries = try await setup.store.webhookDeliveries(endpointID: "pms", status: .delivered, limit: 10)
        #expect(deliveries.count == 2)
        #expect(Set(deliveries.map(\.eventID)) == Set(received.compactMap(\.eventID)))
        let log = try await setup.store.webhookAttempts(deliveryID: deliveries[0].id)
        #expect(log.count == 1 && log[0].statusCode == 200 && log[0].responseExcerpt == "ok")
    }

    /// (The test clock stays within the receiver's 5-minute signature tolerance.)
    @Test func aReceiverThatIsDownIsRetriedOnScheduleThenDelivered() async throws {
        let setup = try await Setup(mode: .down, retry: [60, 120, 1800], events: [.paymentSucceeded])
        _ = try await setup.paidSale()
        #expect(try await setup.dispatcher.deliverDue() == 1)
        setup.clock.advance(59)
        #expect(try await setup.dispatcher.deliverDue() == 0, "not before a minute")
        setup.clock.advance(1)
        #expect(try await setup.dispatcher.deliverDue() == 1)
        setup.clock.advance(119)
        #expect(try await setup.dispatcher.deliverDue() == 0, "then two minutes")
        setup.receiver.setMode(.answer(200))
        setup.clock.advance(1)
        #expect(try await setup.dispatcher.deliverDue() == 1)
        let delivery = try #require(
            try await setup.store.webhookDeliveries(endpointID: "pms", status: nil, limit: 1).first)
        #expect(delivery.status == .delivered && delivery.attempts == 3)
        let log = try await setup.store.webhookAttempts(deliveryID: delivery.id)
        #expect(log.map(\.statusCode) == [nil, nil, 200])
        #expect(log[0].error?.isEmpty == false)
        #expect(setup.receiver.received.count == 1 && setup.receiver.received[0].signatureValid)
    }

    @Test func aSpentScheduleIsDeadAndAManualRetryDelivers() async throws {
        let setup = try await Setup(mode: .answer(500), retry: [60], events: [.paymentSucceeded])
        _ = try await setup.paidSale()
        _ = try await setup.dispatcher.deliverDue()
        setup.clock.advance(60)
        _ = try await setup.dispatcher.deliverDue()
        let dead = try #require(
            try await setup.store.webhookDeliveries(endpointID: "pms", status: .dead, limit: 1).first)
        #expect(dead.attempts == 2 && dead.lastStatusCode == 500 && dead.lastError == "answered HTTP 500")
        setup.receiver.setMode(.answer(202))
        _ = try await setup.store.retryWebhookDelivery(id: dead.id, at: setup.clock.read(), actor: "test")
        #expect(try await setup.dispatcher.deliverDue() == 1)
        #expect(try await setup.store.webhookDelivery(id: dead.id)?.status == .delivered)
        let ids = setup.receiver.received.compactMap(\.eventID)
        #expect(ids.count == 3 && Set(ids).count == 1, "the same event id every time")
    }

    @Test func aPrivateAddressIsNeverCalledUnlessAllowed() async throws {
        let setup = try await Setup(allowPrivate: false, events: [.paymentSucceeded])
        _ = try await setup.paidSale()
        _ = try await setup.dispatcher.deliverDue()
        #expect(setup.receiver.received.isEmpty)
        let delivery = try #require(
            try await setup.store.webhookDeliveries(endpointID: "pms", status: nil, limit: 1).first)
        #expect(delivery.status == .pending && delivery.lastError?.contains("loopback") == true, "\(delivery)")
    }

    @Test func aRedirectIsNotFollowed() async throws {
        let setup = try await Setup(mode: .answer(302), events: [.paymentSucceeded])
        _ = try await setup.paidSale()
        _ = try await setup.dispatcher.deliverDue()
        let delivery = try #require(
            try await setup.store.webhookDeliveries(endpointID: "pms", status: nil, limit: 1).first)
        #expect(delivery.status == .pending && delivery.lastStatusCode == 302)
    }

    @Test func aStalledReceiverTimesOutAndTheClaimIsReleased() async throws {
        let setup = try await Setup(mode: .stall, events: [.paymentSucceeded])
        _ = try await setup.paidSale()
        _ = try await setup.dispatcher.deliverDue()
        let delivery = try #require(
            try await setup.store.webhookDeliveries(endpointID: "pms", status: nil, limit: 1).first)
        #expect(delivery.status == .pending && delivery.lastError?.contains("no answer") == true, "\(delivery)")
        setup.receiver.setMode(.answer(200))
    }
}
