import Foundation
import HotspotPayCore
import Logging
import Metrics
import ServiceLifecycle
import Store

/// Sends the outbox: claims due deliveries, signs and POSTs each, records the attempt, and
/// schedules the next try (``WebhookRetrySchedule``) or declares the delivery dead. At least once:
/// a delivery is marked delivered only after the endpoint's 2xx, so a node killed mid-send leaves
/// a claim that runs out and another send (same event id) follows.
public final class WebhookDispatcher: Service, Sendable {
    public struct Settings: Sendable {
        public var retry: WebhookRetrySchedule = .standard
        public var timeoutSeconds: Double = 10
        /// How often the outbox is looked at.
        public var pollSeconds: Double = 1
        public var batch = 20
        /// Delivered deliveries are forgotten after this long (dead ones stay until sent again).
        public var keepDeliveredSeconds: Double = 30 * 86_400
        public init() {}

        /// A claim outlives the longest send.
        var leaseSeconds: Double { timeoutSeconds + 10 }
    }

    let store: any WebhookStore
    let sender: any WebhookSender
    let addressGuard: OutboundAddressGuard
    let settings: Settings
    let logger: Logger
    let clock: @Sendable () -> Date

    public init(
        store: any WebhookStore, sender: any WebhookSender, addressGuard: OutboundAddressGuard,
        settings: Settings = Settings(), logger: Logger, clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.sender = sender
        self.addressGuard = addressGuard
        self.settings = settings
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        var lastPrune = Date.distantPast
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                while try await deliverDue() == settings.batch {}
                if clock().timeIntervalSince(lastPrune) > 3600 {
                    lastPrune = clock()
                    let pruned = try await store.pruneWebhookDeliveries(
                        deliveredBefore: lastPrune.addingTimeInterval(-settings.keepDeliveredSeconds))
                    if pruned > 0 { logger.info("pruned delivered webhooks", metadata: ["count": "\(pruned)"]) }
                }
            } catch {
                logger.error("webhook outbox unreadable; trying again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .milliseconds(Int(settings.pollSeconds * 1000)))
        }
    }

    /// Claims and sends one batch of due deliveries, concurrently; returns how many were claimed.
    @discardableResult
    public func deliverDue() async throws(StoreError) -> Int {
        let dispatches = try await store.claimWebhookDeliveries(
            at: clock(), limit: settings.batch, leaseSeconds: settings.leaseSeconds)
        await withTaskGroup(of: Void.self) { group in
            for dispatch in dispatches { group.addTask { await self.deliver(dispatch) } }
        }
        return dispatches.count
    }

    func deliver(_ dispatch: WebhookDispatch) async {
        let delivery = dispatch.delivery
        let started = clock()
        let response: WebhookResponse
        do throws(OutboundRefusal) {
            let addresses = try await addressGuard.check(dispatch.url)
            let body = Array(dispatch.body.utf8)
            let signature = WebhookSignature(
                secret: dispatch.secret, timestamp: Int64(clock().timeIntervalSince1970), body: body)
            response = await sender.post(
                WebhookRequest(
                    url: dispatch.url, address: addresses.first,
                    headers: [
                        "Content-Type": "application/json", "User-Agent": "hotspotpay-webhooks/1",
                        WebhookSignature.header: signature.headerValue,
                        "X-Hotspotpay-Event": delivery.eventType.rawValue,
                        "X-Hotspotpay-Event-Id": delivery.eventID,
                        "X-Hotspotpay-Delivery": "\(delivery.id)",
                    ],
                    body: body, timeoutSeconds: settings.timeoutSeconds))
        } catch {
            response = WebhookResponse(statusCode: nil, excerpt: "", error: error.description)
        }
        let finished = clock()
        var attempt = WebhookAttempt(
            deliveryID: delivery.id, number: delivery.attempts + 1, at: finished, statusCode: response.statusCode,
            latencyMilliseconds: max(0, Int(finished.timeIntervalSince(started) * 1000)),
            responseExcerpt: response.error ?? response.excerpt, error: response.error)
        if response.error == nil, let code = response.statusCode, !(200..<300).contains(code) {
            attempt.error = "answered HTTP \(code)"
        }
        let retryAt = settings.retry.delay(afterAttempts: delivery.attemptsThisRound + 1).map {
            finished.addingTimeInterval(Double($0))
        }
        do {
            let recorded = try await store.recordWebhookAttempt(attempt, retryAt: attempt.delivered ? nil : retryAt)
            Counter(label: "hotspotpay_webhook_attempts_total", dimensions: [("outcome", recorded.status.rawValue)])
                .increment()
            switch recorded.status {
            case .delivered:
                logger.debug(
                    "webhook delivered",
                    metadata: [
                        "delivery": "\(delivery.id)", "event": "\(delivery.eventType)", "url": "\(dispatch.url)",
                    ])
            case .pending:
                logger.warning(
                    "webhook not delivered; will retry",
                    metadata: [
                        "delivery": "\(delivery.id)", "url": "\(dispatch.url)", "error": "\(attempt.error ?? "")",
                        "next_attempt_at": "\(recorded.nextAttemptAt.formatted(.iso8601))",
                    ])
            case .dead:
                logger.error(
                    "webhook dead after its retries; send it again from the console when the endpoint is fixed",
                    metadata: [
                        "delivery": "\(delivery.id)", "url": "\(dispatch.url)", "error": "\(attempt.error ?? "")",
                    ])
            }
        } catch {
            // Removed endpoint, or the store is down: the claim runs out and the send is repeated.
            logger.warning(
                "webhook attempt not recorded", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
        }
    }
}
