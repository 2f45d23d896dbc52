import Foundation
import HotspotPayCore

/// A webhook endpoint as the API and `webhooks … --json` print it. The secret appears only in the
/// answer that made (or rotated) it.
public struct WebhookEndpointJSON: Encodable, Sendable {
    public var id, url, description: String
    public var events: [String]
    public var enabled: Bool
    public var createdAt, updatedAt: Date
    public var secret: String?

    public init(_ endpoint: WebhookEndpoint, showingSecret: Bool = false) {
        id = endpoint.id
        url = endpoint.url
        description = endpoint.description
        events = endpoint.events.sorted().map(\.rawValue)
        enabled = endpoint.enabled
        createdAt = endpoint.createdAt
        updatedAt = endpoint.updatedAt
        secret = showingSecret ? endpoint.secret.reveal : nil
    }
}

/// A delivery (and, when one is asked for, its attempts and the body it sends).
public struct WebhookDeliveryJSON: Encodable, Sendable {
    public struct Attempt: Encodable, Sendable {
        public var number: Int
        public var at: Date
        public var statusCode: Int?
        public var latencyMs: Int
        public var responseExcerpt: String
        public var error: String?
    }
    public var id: Int64
    public var endpointId, eventId, eventType, status: String
    public var transactionId: String?
    public var attempts: Int
    public var nextAttemptAt, createdAt: Date
    public var lastStatusCode: Int?
    public var lastError: String?
    public var deliveredAt: Date?
    public var log: [Attempt]?
    public var body: String?

    public init(_ delivery: WebhookDelivery, attempts log: [WebhookAttempt]? = nil, body: String? = nil) {
        id = delivery.id
        endpointId = delivery.endpointID
        eventId = delivery.eventID
        eventType = delivery.eventType.rawValue
        status = delivery.status.rawValue
        transactionId = delivery.transactionID
        attempts = delivery.attempts
        nextAttemptAt = delivery.nextAttemptAt
        createdAt = delivery.createdAt
        lastStatusCode = delivery.lastStatusCode
        lastError = delivery.lastError
        deliveredAt = delivery.deliveredAt
        self.log = log?.map {
            Attempt(
                number: $0.number, at: $0.at, statusCode: $0.statusCode, latencyMs: $0.latencyMilliseconds,
                responseExcerpt: $0.responseExcerpt, error: $0.error)
        }
        self.body = body
    }
}
