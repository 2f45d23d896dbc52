import Foundation
import HotspotPayCore
import Hummingbird
import HummingbirdTesting
import Store
import Testing

/// Webhooks managed through the operator API and the console pages: the secret is shown once,
/// addresses on the venue's network are refused, the delivery log is readable, a dead delivery
/// raises the dashboard's alert and is sent again from its page.
@Suite struct WebhookConsoleTests {
    @Test func theAPIAddsAnEndpointShowsItsSecretOnceAndListsItsDeliveries() async throws {
        let harness = try await AdminHarness()
        try await harness.app.test(.router) { client in
            let refused = try await AdminHarness.call(
                client, .post, "/api/admin/webhooks", json: #"{"url":"http://10.0.0.5/hooks","events":["all"]}"#,
                token: harness.token)
            #expect(refused.status == .unprocessableContent, "\(refused.body)")
            #expect(refused.body.contains("private address") && refused.body.contains("allow_private_addresses"))
            let unknown = try await AdminHarness.call(
                client, .post, "/api/admin/webhooks",
                json: #"{"url":"https://pms.example.com/hooks","events":["payment.maybe"]}"#, token: harness.token)
            #expect(unknown.status == .unprocessableContent && unknown.body.contains("payment.maybe"))

            let added = try await AdminHarness.call(
                client, .post, "/api/admin/webhooks",
                json:
                    #"{"url":"https://pms.example.com/hooks","events":["payment.succeeded","grant.started"],"description":"PMS"}"#,
                token: harness.token)
            #expect(added.status == .created, "\(added.body)")
            let id = try #require(added.object["id"] as? String)
            let secret = try #require(added.object["secret"] as? String)
            #expect(secret.hasPrefix("whsec_") && secret.count == 70)
            let listed = try await AdminHarness.call(client, .get, "/api/admin/webhooks", token: harness.token)
            #expect(listed.array.count == 1 && listed.array[0]["secret"] == nil && !listed.body.contains(secret))

            let rotated = try await AdminHarness.call(
                client, .patch, "/api/admin/webhooks/\(id)", json: #"{"rotate_secret":true}"#, token: harness.token)
            let newSecret = try #require(rotated.object["secret"] as? String)
            #expect(newSecret != secret)
            #expect(try await harness.store.webhookEndpoint(id: id)?.secret.reveal == newSecret)

            _ = try await harness.paidSale()
            let deliveries = try await AdminHarness.call(
                client, .get, "/api/admin/webhooks/\(id)/deliveries", token: harness.token)
            #expect(
                deliveries.array.compactMap { $0["event_type"] as? String } == ["grant.started", "payment.succeeded"])
            let test = try await AdminHarness.call(
                client, .post, "/api/admin/webhooks/\(id)/test", token: harness.token)
            #expect(test.status == .accepted && test.object["event_type"] as? String == "webhook.test")
            let deliveryID = try #require(test.object["id"] as? Int)
            let one = try await AdminHarness.call(
                client, .get, "/api/admin/webhook-deliveries/\(deliveryID)", token: harness.token)
            #expect((one.object["body"] as? String)?.contains(#""type":"webhook.test""#) == true, "\(one.body)")
            let badStatus = try await AdminHarness.call(
                client, .get, "/api/admin/webhooks/\(id)/deliveries?status=lost", token: harness.token)
            #expect(badStatus.status == .unprocessableContent)
            let gone = try await AdminHarness.call(client, .delete, "/api/admin/webhooks/\(id)", token: harness.token)
            #expect(gone.status == .noContent)
            let missing = try await AdminHarness.call(
                client, .get, "/api/admin/webhook-deliveries/\(deliveryID)", token: harness.token)
            #expect(missing.status == .notFound)
        }
    }

    @Test func theConsolePagesShowTheSecretOnceAlertOnDeadDeliveriesAndSendAgain() async throws {
        let harness = try await AdminHarness()
        try await harness.app.test(.router) { client in
            let (cookie, csrf) = try await AdminHarness.signIn(client)
            let page = try await AdminHarness.call(
                client, .get, "/admin/webhooks", headers: [.cookie: cookie], token: nil)
            #expect(page.status == .ok && page.body.contains(#"id="webhook-form""#))
            let made = try await AdminHarness.form(
                client, "/admin/webhooks",
                [
                    ("_csrf", csrf), ("url", "https://pms.example.com/hooks"), ("description", "PMS"),
                    ("event_payment.succeeded", "on"),
                ], cookie: cookie)
            #expect(made.status == .created, "\(made.body)")
            let endpoint = try #require(try await harness.store.webhookEndpoints().first)
            #expect(endpoint.events == [.paymentSucceeded])
            #expect(made.body.contains(#"id="webhook-secret""#) && made.body.contains(endpoint.secret.reveal))
            let detail = try await AdminHarness.call(
                client, .get, "/admin/webhooks/\(endpoint.id)", headers: [.cookie: cookie], token: nil)
            #expect(detail.status == .ok && !detail.body.contains(endpoint.secret.reveal))

            // A sale whose delivery is given up.
            _ = try await harness.paidSale()
            let claimed = try await harness.store.claimWebhookDeliveries(at: Date(), limit: 5, leaseSeconds: 30)
            let dead = try await harness.store.recordWebhookAttempt(
                WebhookAttempt(
                    deliveryID: claimed[0].delivery.id, number: 1, at: Date(), statusCode: 500, latencyMilliseconds: 40,
                    responseExcerpt: "upstream down", error: "answered HTTP 500"), retryAt: nil)
            let dashboard = try await AdminHarness.call(client, .get, "/admin", headers: [.cookie: cookie], token: nil)
            #expect(dashboard.body.contains(#"id="dead-webhooks""#), "\(dashboard.body)")
            let log = try await AdminHarness.call(
                client, .get, "/admin/webhooks/\(endpoint.id)", headers: [.cookie: cookie], token: nil)
            #expect(log.body.contains("upstream down") && log.body.contains("delivery-dead"))
            let again = try await AdminHarness.form(
                client, "/admin/webhook-deliveries/\(dead.id)/retry", [("_csrf", csrf)], cookie: cookie)
            #expect(again.location == "/admin/webhooks/\(endpoint.id)?ok=webhookRetryQueued")
            #expect(try await harness.store.webhookDelivery(id: dead.id)?.status == .pending)
            let calm = try await AdminHarness.call(client, .get, "/admin", headers: [.cookie: cookie], token: nil)
            #expect(!calm.body.contains(#"id="dead-webhooks""#))

            let removed = try await AdminHarness.form(
                client, "/admin/webhooks/\(endpoint.id)/remove", [("_csrf", csrf)], cookie: cookie)
            #expect(removed.location == "/admin/webhooks?ok=webhookRemoved")
            #expect(try await harness.store.webhookEndpoints().isEmpty)
        }
    }
}
