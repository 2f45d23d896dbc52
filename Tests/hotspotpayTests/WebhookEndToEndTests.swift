import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

/// Webhooks from the real daemon to a receiver written in the test (``WebhookReceiver`` checks
/// every signature itself): a paid sale's events arrive signed and in order, an event whose
/// delivery was cut off by kill -9 is delivered after the restart (same event id), and a receiver
/// that is down is retried on the configured schedule until it is back.
@Suite(.serialized) struct WebhookEndToEndTests {
    static let webhookConfig = """
        webhooks:
          retry: [1s, 2s, 2s, 2s, 2s, 2s, 2s, 2s]
          timeout: 2s
          allow_private_addresses: true
        """

    func addEndpoint(_ venue: VenueDaemon, _ receiver: WebhookReceiver) async throws {
        let added = try await venue.command([
            "webhooks", "add", "--url", receiver.url, "--events", "all", "--secret", receiver.secret,
            "--description", "Hotel PMS",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("signing secret (shown once): \(receiver.secret)"))
    }

    @Test func aDeliveryCutOffByKillNineIsDeliveredAfterTheRestart() async throws {
        let peer = try await FreeRADIUSPeer(secret: VenueDaemon.routerSecret)
        let receiver = try WebhookReceiver(secret: "whsec_pms_secret_0123456789abcdef", mode: .stall)
        let venue = try VenueDaemon(coaPort: peer.port, moreConfig: Self.webhookConfig)
        try await venue.start()
        try await addEndpoint(venue, receiver)

        let transaction = try await CheckoutEndToEndTests.startPurchase(venue, mac: "F2:00:00:00:0C:01")
        let reply = try await CheckoutEndToEndTests.deliver(
            await CheckoutEndToEndTests.sandboxCallback(for: transaction, paid: true), to: venue)
        #expect((200..<300).contains(reply.status))
        // The first event is on the wire, unanswered, when the daemon dies.
        let inFlight = await receiver.waitFor(count: 1)
        let cutOff = try #require(inFlight.first)
        #expect(cutOff.eventType == "payment.succeeded" && cutOff.signatureValid)
        try await venue.kill()

        receiver.setMode(.answer(200))
        try await venue.start()
        // The router reports the device's new session: the unlock is confirmed.
        let (_, acct) = try await try #require(venue.process).waitForRadius(timeout: 30)
        let start = try await Radclient.send(
            "acct", port: acct, secret: VenueDaemon.routerSecret,
            attributes: "Acct-Status-Type = Start, Acct-Session-Id = \"hook-1\", User-Name = \"F2:00:00:00:0C:01\", "
                + "Calling-Station-Id = \"F2:00:00:00:0C:01\", NAS-Identifier = \"venue-hap\"")
        #expect(start.output.contains("Received Accounting-Response"), "\(start.output)")
        let store = try CheckoutEndToEndTests.store(venue)
        try await CheckoutEndToEndTests.eventually("every event delivered", timeout: 60) {
            let deliveries = try await store.webhookDeliveries(endpointID: nil, status: nil, limit: 50)
            return deliveries.contains { $0.eventType == .unlockAcknowledged }
                && deliveries.allSatisfy { $0.status == .delivered }
        }
        // On a slow box the stalled send may time out and be tried once more before the kill:
        // those stalled tries are not deliveries; the answered ones after the restart are.
        let answered = receiver.received.filter { $0.answeredWith != nil }
        #expect(receiver.received.prefix { $0.answeredWith == nil }.allSatisfy { $0.eventID == cutOff.eventID })
        #expect(answered.allSatisfy { $0.signatureValid })
        let types = answered.compactMap(\.eventType)
        #expect(Array(types.prefix(2)) == ["payment.succeeded", "grant.started"], "\(types)")
        #expect(types.contains("unlock.acknowledged"), "\(types)")
        #expect(answered.first?.eventID == cutOff.eventID, "the cut-off event again, with its id")
        let sale = answered.first.map(\.json)?["data"] as? [String: Any]
        #expect((sale?["transaction"] as? [String: Any])?["id"] as? String == transaction.id)
        #expect((sale?["transaction"] as? [String: Any])?["status"] as? String == "paid")
        try await venue.stop()
    }

    @Test func aReceiverThatIsDownIsRetriedOnScheduleThenDelivered() async throws {
        let peer = try await FreeRADIUSPeer(secret: VenueDaemon.routerSecret)
        let receiver = try WebhookReceiver(secret: "whsec_pms_secret_0123456789abcdef", mode: .down)
        let venue = try VenueDaemon(coaPort: peer.port, moreConfig: Self.webhookConfig)
        try await venue.start()
        try await addEndpoint(venue, receiver)
        let store = try CheckoutEndToEndTests.store(venue)
        let endpoint = try #require(try await store.webhookEndpoints().first)
        let test = try await venue.command(["webhooks", "test", endpoint.id])
        #expect(test.status == 0, "\(test.stderr)")

        try await CheckoutEndToEndTests.eventually("three failed attempts", timeout: 30) {
            let delivery = try await store.webhookDeliveries(endpointID: nil, status: nil, limit: 1).first
            return (delivery?.attempts ?? 0) >= 3
        }
        receiver.setMode(.answer(204))
        try await CheckoutEndToEndTests.eventually("delivered once the receiver is back", timeout: 30) {
            try await store.webhookDeliveries(endpointID: nil, status: .delivered, limit: 1).count == 1
        }
        let delivery = try #require(try await store.webhookDeliveries(endpointID: nil, status: nil, limit: 1).first)
        let attempts = try await store.webhookAttempts(deliveryID: delivery.id)
        #expect(attempts.last?.statusCode == 204 && attempts.dropLast().allSatisfy { $0.statusCode == nil })
        // 1 s, then 2 s between tries (the schedule): never sooner; later only by the sender's
        // one-second look, or a loaded CI box's stall (hence the loose upper bound).
        for (earlier, later) in zip(attempts, attempts.dropFirst().dropLast()) {
            let gap = later.at.timeIntervalSince(earlier.at)
            #expect(gap >= 0.9 && gap < 10, "gap \(gap)")
        }
        #expect(receiver.received.count == 1 && receiver.received[0].signatureValid)
        #expect(receiver.received[0].eventType == "webhook.test")

        let log = try await venue.command(["webhooks", "deliveries"])
        #expect(log.stdout.contains("webhook.test") && log.stdout.contains("delivered"), "\(log.stdout)")
        try await venue.stop()
    }
}
