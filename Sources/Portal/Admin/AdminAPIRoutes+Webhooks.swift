import Console
import Foundation
import HotspotPayCore
import Hummingbird

extension AdminAPIRoutes {
    /// A webhook endpoint as asked for (`POST /webhooks`) or changed (`PATCH /webhooks/{id}`).
    struct WebhookBody: Decodable {
        var url: String?
        var events: [String]?
        var description: String?
        var enabled: Bool?
        var secret: String?
        var rotateSecret: Bool?

        var request: WebhookDesk.Request {
            .init(
                url: url, events: events, description: description, enabled: enabled, secret: secret,
                rotateSecret: rotateSecret ?? false)
        }
    }

    func registerWebhooks(on api: RouterGroup<PortalRequestContext>) {
        let desk = console.webhooks
        api.get("webhooks") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                AdminResponses.json(try await desk.endpoints().map { WebhookEndpointJSON($0) })
            }
        }
        api.post("webhooks") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let body = try await Self.decode(WebhookBody.self, request)
                let endpoint = try await desk.add(body.request, actor: Self.actor(context))
                return AdminResponses.json(WebhookEndpointJSON(endpoint, showingSecret: true), status: .created)
            }
        }
        api.get("webhooks/{id}") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                AdminResponses.json(WebhookEndpointJSON(try await desk.endpoint(id: try Self.parameter(context, "id"))))
            }
        }
        api.patch("webhooks/{id}") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let body = try await Self.decode(WebhookBody.self, request)
                let endpoint = try await desk.change(
                    id: try Self.parameter(context, "id"), body.request, actor: Self.actor(context))
                return AdminResponses.json(
                    WebhookEndpointJSON(endpoint, showingSecret: body.rotateSecret == true || body.secret != nil))
            }
        }
        api.delete("webhooks/{id}") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                try await desk.remove(id: try Self.parameter(context, "id"), actor: Self.actor(context))
                return Response(status: .noContent)
            }
        }
        api.post("webhooks/{id}/test") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let delivery = try await desk.sendTest(
                    id: try Self.parameter(context, "id"), actor: Self.actor(context))
                return AdminResponses.json(WebhookDeliveryJSON(delivery), status: .accepted)
            }
        }
        api.get("webhooks/{id}/deliveries") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let id = try Self.parameter(context, "id")
                _ = try await desk.endpoint(id: id)
                let query = Self.query(request)
                let status = try Self.deliveryStatus(query["status"])
                let limit = try Self.integer(query, "limit", default: 100, in: 1...1000)
                return AdminResponses.json(
                    try await desk.deliveries(endpointID: id, status: status, limit: limit).map {
                        WebhookDeliveryJSON($0)
                    })
            }
        }
        api.get("webhook-deliveries/{id}") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let (delivery, attempts, body) = try await desk.delivery(id: try Self.deliveryID(context))
                return AdminResponses.json(WebhookDeliveryJSON(delivery, attempts: attempts, body: body))
            }
        }
        api.post("webhook-deliveries/{id}/retry") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let delivery = try await desk.retry(
                    deliveryID: try Self.deliveryID(context), actor: Self.actor(context))
                return AdminResponses.json(WebhookDeliveryJSON(delivery), status: .accepted)
            }
        }
    }

    static func deliveryID(_ context: PortalRequestContext) throws(ConsoleError) -> Int64 {
        let text = try parameter(context, "id")
        guard let id = Int64(text), id > 0 else { throw .notFound(entity: "webhook delivery", id: text) }
        return id
    }

    static func deliveryStatus(_ text: String?) throws(ConsoleError) -> WebhookDelivery.Status? {
        guard let text, !text.isEmpty else { return nil }
        guard let status = WebhookDelivery.Status(rawValue: text) else {
            throw .invalid([.init(field: "status", message: "one of pending, delivered, dead")])
        }
        return status
    }
}

extension AdminAPIRoutes.WebhookBody: NullRefusingBody {
    static var fieldNames: Set<String> { ["url", "events", "description", "enabled", "secret", "rotate_secret"] }
}
