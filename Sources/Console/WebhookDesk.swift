import Foundation
import HotspotPayCore
import Store
import Webhooks

/// Outbound webhooks for the console, the API and the CLI: endpoints (the signing secret shown
/// once, when made or rotated), their delivery log, a test event, and sending a delivery again.
public struct WebhookDesk: Sendable {
    let store: any WebhookStore
    let addressGuard: OutboundAddressGuard
    let clock: @Sendable () -> Date

    public init(
        store: any WebhookStore,
        addressGuard: OutboundAddressGuard = OutboundAddressGuard(allowPrivateAddresses: false),
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.addressGuard = addressGuard
        self.clock = clock
    }

    /// An endpoint as asked for; nil fields are left as they are when changing one.
    public struct Request: Sendable, Hashable {
        public var url: String?
        /// Event names; `all` (or `*`) for every event.
        public var events: [String]?
        public var description: String?
        public var enabled: Bool?
        /// Given by the operator (a receiver's own secret, 16 characters or more); nil makes one.
        public var secret: String?
        /// Changing an endpoint: draw a new secret (shown once).
        public var rotateSecret = false

        public init(
            url: String? = nil, events: [String]? = nil, description: String? = nil, enabled: Bool? = nil,
            secret: String? = nil, rotateSecret: Bool = false
        ) {
            self.url = url
            self.events = events
            self.description = description
            self.enabled = enabled
            self.secret = secret
            self.rotateSecret = rotateSecret
        }
    }

    public func endpoints() async throws(ConsoleError) -> [WebhookEndpoint] {
        try await ConsoleError.wrap { try await store.webhookEndpoints() }
    }

    public func endpoint(id: String) async throws(ConsoleError) -> WebhookEndpoint {
        guard let endpoint = try await ConsoleError.wrap({ try await store.webhookEndpoint(id: id) }) else {
            throw .notFound(entity: "webhook endpoint", id: id)
        }
        return endpoint
    }

    /// Adds an endpoint; the answer carries its secret, which is never shown again.
    public func add(_ request: Request, actor: String) async throws(ConsoleError) -> WebhookEndpoint {
        var generator = SystemRandomNumberGenerator()
        let now = clock()
        var problems: [ValidationProblem] = []
        if request.url == nil { problems.append(.init(field: "url", message: "required")) }
        let events = Self.events(request.events ?? [], problems: &problems)
        let given = request.secret?.trimmingCharacters(in: .whitespaces) ?? ""
        let endpoint = WebhookEndpoint(
            id: "wh_" + String(EntityID.random(using: &generator).prefix(8)),
            url: request.url?.trimmingCharacters(in: .whitespaces) ?? "", events: events,
            secret: given.isEmpty ? WebhookEndpoint.newSecret(using: &generator) : Secret(given),
            description: request.description?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "",
            enabled: request.enabled ?? true, createdAt: now)
        try await check(endpoint, problems: problems)
        try await ConsoleError.wrap { try await store.addWebhookEndpoint(endpoint, actor: actor) }
        return endpoint
    }

    /// Changes an endpoint; when the secret was rotated the answer carries the new one.
    public func change(id: String, _ request: Request, actor: String) async throws(ConsoleError) -> WebhookEndpoint {
        var endpoint = try await endpoint(id: id)
        var problems: [ValidationProblem] = []
        if let url = request.url { endpoint.url = url.trimmingCharacters(in: .whitespaces) }
        if let events = request.events { endpoint.events = Self.events(events, problems: &problems) }
        if let description = request.description {
            endpoint.description = description.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let enabled = request.enabled { endpoint.enabled = enabled }
        if let secret = request.secret?.trimmingCharacters(in: .whitespaces), !secret.isEmpty {
            endpoint.secret = Secret(secret)
        } else if request.rotateSecret {
            var generator = SystemRandomNumberGenerator()
            endpoint.secret = WebhookEndpoint.newSecret(using: &generator)
        }
        endpoint.updatedAt = clock()
        try await check(endpoint, problems: problems)
        try await ConsoleError.wrap { [endpoint] in try await store.updateWebhookEndpoint(endpoint, actor: actor) }
        return endpoint
    }

    public func remove(id: String, actor: String) async throws(ConsoleError) {
        try await ConsoleError.wrap { try await store.removeWebhookEndpoint(id: id, actor: actor) }
    }

    /// Queues a `webhook.test` event for the endpoint; the sender delivers it within a second or so.
    public func sendTest(id: String, actor: String) async throws(ConsoleError) -> WebhookDelivery {
        try await ConsoleError.wrap { try await store.queueWebhookTest(endpointID: id, at: clock(), actor: actor) }
    }

    /// Newest first; one endpoint's when `endpointID` is given.
    public func deliveries(endpointID: String? = nil, status: WebhookDelivery.Status? = nil, limit: Int = 100)
        async throws(ConsoleError) -> [WebhookDelivery]
    {
        try await ConsoleError.wrap {
            try await store.webhookDeliveries(endpointID: endpointID, status: status, limit: min(max(limit, 1), 1000))
        }
    }

    /// One delivery with its attempts and the body it sends.
    public func delivery(id: Int64) async throws(ConsoleError) -> (WebhookDelivery, [WebhookAttempt], String) {
        guard let delivery = try await ConsoleError.wrap({ try await store.webhookDelivery(id: id) }) else {
            throw .notFound(entity: "webhook delivery", id: "\(id)")
        }
        let attempts = try await ConsoleError.wrap { try await store.webhookAttempts(deliveryID: id) }
        let body = try await ConsoleError.wrap { try await store.webhookEventBody(eventID: delivery.eventID) } ?? ""
        return (delivery, attempts, body)
    }

    /// A delivery's attempts alone (the endpoint page lists them for each of its deliveries).
    public func attempts(deliveryID: Int64) async throws(ConsoleError) -> [WebhookAttempt] {
        try await ConsoleError.wrap { try await store.webhookAttempts(deliveryID: deliveryID) }
    }

    /// Sends a dead (or waiting) delivery now, its retry schedule counted afresh.
    public func retry(deliveryID: Int64, actor: String) async throws(ConsoleError) -> WebhookDelivery {
        try await ConsoleError.wrap { try await store.retryWebhookDelivery(id: deliveryID, at: clock(), actor: actor) }
    }

    /// Deliveries per status (the dashboard warns about dead ones).
    public func counts() async throws(ConsoleError) -> [WebhookDelivery.Status: Int] {
        try await ConsoleError.wrap { try await store.webhookDeliveryCounts() }
    }

    static func events(_ names: [String], problems: inout [ValidationProblem]) -> Set<WebhookEventType> {
        let cleaned = names.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        if cleaned.contains(where: { $0 == "all" || $0 == "*" }) { return Set(WebhookEventType.all) }
        return Set(cleaned.map { WebhookEventType(rawValue: $0) })
    }

    /// The endpoint's own rules, then where its URL leads: an address on the venue's network is
    /// refused now unless allowed (a name that does not resolve yet is accepted; the sender checks
    /// again before every call).
    func check(_ endpoint: WebhookEndpoint, problems found: [ValidationProblem]) async throws(ConsoleError) {
        var problems = found
        problems += endpoint.problems.filter { problem in !problems.contains { $0.field == problem.field } }
        if !problems.contains(where: { $0.field == "url" }) {
            do throws(OutboundRefusal) { _ = try await addressGuard.check(endpoint.url) } catch {
                if case .nonPublic = error { problems.append(.init(field: "url", message: error.description)) }
            }
        }
        guard problems.isEmpty else { throw .invalid(problems) }
    }
}
