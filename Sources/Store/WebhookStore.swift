import HotspotPayCore

import struct Foundation.Date

/// Outbound webhooks: the endpoints, the outbox and its delivery log.
///
/// Events are not published through this protocol: every store write that audits a reportable
/// change (``WebhookEventType/init(reporting:)``) also writes the event, and one delivery per
/// subscribed endpoint, in the same database transaction.
public protocol WebhookStore: Sendable {
    /// Stores an endpoint (its secret sealed) and audits it.
    func addWebhookEndpoint(_ endpoint: WebhookEndpoint, actor: String) async throws(StoreError)
    /// Oldest first, secrets opened.
    func webhookEndpoints() async throws(StoreError) -> [WebhookEndpoint]
    func webhookEndpoint(id: String) async throws(StoreError) -> WebhookEndpoint?
    /// Replaces URL, events, description, enabled and secret; audited.
    func updateWebhookEndpoint(_ endpoint: WebhookEndpoint, actor: String) async throws(StoreError)
    /// Removes the endpoint with its deliveries and their log; audited.
    func removeWebhookEndpoint(id: String, actor: String) async throws(StoreError)

    /// Queues a `webhook.test` event for one endpoint (sent once the endpoint is enabled).
    func queueWebhookTest(endpointID: String, at: Date, actor: String) async throws(StoreError) -> WebhookDelivery

    /// Claims up to `limit` due deliveries for `leaseSeconds` (a node that dies mid-send leaves a
    /// claim that runs out): pending, due, not claimed, for an enabled endpoint (a disabled one's
    /// deliveries wait until it is enabled again), and with no earlier pending delivery about
    /// the same sale for the same endpoint (events about one sale arrive in order). Safe on N nodes:
    /// each claim is a conditional update.
    func claimWebhookDeliveries(at: Date, limit: Int, leaseSeconds: Double) async throws(StoreError)
        -> [WebhookDispatch]
    /// Records one attempt and what follows: delivered, tried again at `retryAt`, or dead (nil).
    func recordWebhookAttempt(_ attempt: WebhookAttempt, retryAt: Date?) async throws(StoreError)
        -> WebhookDelivery
    /// A dead (or waiting) delivery due now, attempts counted afresh; audited.
    func retryWebhookDelivery(id: Int64, at: Date, actor: String) async throws(StoreError) -> WebhookDelivery

    /// Newest first.
    func webhookDeliveries(endpointID: String?, status: WebhookDelivery.Status?, limit: Int)
        async throws(StoreError) -> [WebhookDelivery]
    func webhookDelivery(id: Int64) async throws(StoreError) -> WebhookDelivery?
    func webhookAttempts(deliveryID: Int64) async throws(StoreError) -> [WebhookAttempt]
    /// The event's body exactly as it is signed and sent.
    func webhookEventBody(eventID: String) async throws(StoreError) -> String?
    /// Deliveries per status, for the dashboard's alert on dead ones.
    func webhookDeliveryCounts() async throws(StoreError) -> [WebhookDelivery.Status: Int]
    /// Forgets delivered deliveries (and their events and log) older than `before`.
    func pruneWebhookDeliveries(deliveredBefore before: Date) async throws(StoreError) -> Int
}

/// A claimed delivery with everything needed to send it.
public struct WebhookDispatch: Sendable, Hashable {
    public var delivery: WebhookDelivery
    public var url: String
    public var secret: Secret
    /// The event's JSON, sent (and signed) byte for byte as stored.
    public var body: String

    public init(delivery: WebhookDelivery, url: String, secret: Secret, body: String) {
        self.delivery = delivery
        self.url = url
        self.secret = secret
        self.body = body
    }
}
