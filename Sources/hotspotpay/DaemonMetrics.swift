import Foundation
import HotspotPayCore
import Metrics
import PostgresStore
import Prometheus
import Radius
import Store
import Synchronization

/// What `/metrics` reads at scrape time: transactions by status and provider from the
/// database, and the RADIUS server's request counters (turned into Prometheus counters by
/// adding what changed since the previous scrape).
final class DaemonMetrics: Sendable {
    let store: any ReportStore & WebhookStore
    let radius: RadiusCounters
    /// This node's in-memory access view, on PostgreSQL.
    let accessView: PostgresAccessView?
    private let lastRadius = Mutex<[String: Int]>([:])
    /// (status, provider) pairs seen before, so a pair that drops to zero reads 0, not stale.
    private let seenPairs = Mutex<Set<[String]>>([])

    /// One registry per process: swift-metrics can be bootstrapped only once.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    init(store: any ReportStore & WebhookStore, radius: RadiusCounters, accessView: PostgresAccessView? = nil) {
        self.store = store
        self.radius = radius
        self.accessView = accessView
    }

    func collect() async {
        if let counts = try? await store.transactionCounts() {
            let current = Set(counts.map { [$0.status, $0.provider] })
            let all = seenPairs.withLock { seen in
                seen.formUnion(current)
                return seen
            }
            for pair in all {
                let count = counts.first { $0.status == pair[0] && $0.provider == pair[1] }?.count ?? 0
                Gauge(label: "hotspotpay_transactions", dimensions: [("status", pair[0]), ("provider", pair[1])])
                    .record(count)
            }
        }
        // Dead deliveries are what an alert should fire on: a venue system missed events.
        if let webhooks = try? await store.webhookDeliveryCounts() {
            for status in WebhookDelivery.Status.allCases {
                Gauge(label: "hotspotpay_webhook_deliveries", dimensions: [("status", status.rawValue)])
                    .record(webhooks[status] ?? 0)
            }
        }
        // Several nodes: whether this node hears the database's changes, and how old its last full
        // read is (alert when it is not listening, or the age passes a few resync periods).
        if let health = accessView?.health {
            Gauge(label: "hotspotpay_access_view_listening").record(health.listening ? 1 : 0)
            Gauge(label: "hotspotpay_access_view_sync_age_seconds").record(
                max(0, Date().timeIntervalSince(health.lastFullSync)))
            Gauge(label: "hotspotpay_access_view_grants").record(health.activeGrants)
        }
        let snapshot = radius.snapshot
        let deltas = lastRadius.withLock { last in
            defer { last = snapshot }
            return snapshot.map { ($0.key, $0.value - (last[$0.key] ?? 0)) }
        }
        for (key, delta) in deltas where delta > 0 {
            let (name, label) =
                key.hasPrefix("drop_")
                ? ("hotspotpay_radius_dropped_total", String(key.dropFirst(5)))
                : ("hotspotpay_radius_requests_total", key)
            Counter(label: name, dimensions: [(key.hasPrefix("drop_") ? "reason" : "result", label)]).increment(
                by: delta)
        }
    }
}
