import Foundation
import HotspotPayCore
import PostgresNIO
import Store
import TestSupport
import Testing

@testable import PostgresStore

/// The sweeper, the poller and the unlock worker run their queries every few seconds on every
/// node, and the portal resumes a device's purchase on every landing, over tables that grow to
/// millions of rows: on PostgreSQL too each must use its index,
/// with the order coming from it (no Sort). The tables are filled the way a venue's are (mostly
/// finished history, a few live rows) and analysed, so the planner chooses with real statistics.
@Suite struct PostgresQueryPlanTests {
    static let now = Date()

    /// Each query, the indexes it may use, and whether the order must come from the index.
    /// Past-end grants may be read through the one-active-grant-per-device index and sorted:
    /// that reads the active grants only (one per device online), whatever the history.
    static let queries: [(name: String, query: PostgresQuery, indexes: [String], ordered: Bool)] = [
        (
            "sweeper: pending past expiry", PostgresStore.pendingPastExpiry(now, limit: 100),
            ["transactions_status_expires"], true
        ),
        (
            "poller: pending still open", PostgresStore.pendingOpen(now, limit: 100), ["transactions_status_expires"],
            true
        ),
        (
            "sweeper: grants past end", PostgresStore.grantsPastEnd(now, limit: 100),
            ["grants_status_valid_until", "grants_one_active_per_mac"], false
        ),
        ("unlock worker: due jobs", PostgresStore.dueUnlockJobs(now, limit: 100), ["unlock_jobs_status_next"], true),
        (
            "portal: resuming a device's newest purchase",
            PostgresStore.latestTransaction(MACAddress(octets: [2, 0, 0, 0, 0, 0x42])), ["transactions_mac_created"],
            true
        ),
    ]

    /// One filled database for every query: five fills of 60,000 rows at once on the shared
    /// server were the heaviest thing in the suite.
    @Test func pathQueriesUseTheirIndexAndItsOrder() async throws {
        let harness = try await BackendHarness(.postgres)
        let store = try #require(harness.store as? PostgresStore)
        try await fill(store, rows: 20_000)
        for (name, query, indexes, ordered) in Self.queries {
            let plan = try await store.queryPlan(query)
            #expect(
                plan.contains { line in
                    indexes.contains { line.contains("Index Scan") && line.contains("using \($0)") }
                },
                "\(name): \(plan)")
            #expect(!plan.contains { $0.contains("Seq Scan") }, "\(name): \(plan)")
            if ordered {
                #expect(!plan.contains { $0.contains("Sort") }, "\(name), the order must come from the index: \(plan)")
            }
        }
        // Finding a device's active grant (RADIUS resync, purchases) uses the partial index.
        let plan = try await store.queryPlan(
            "SELECT * FROM grants WHERE mac = \("02:00:00:00:01:01") AND status = 'active'")
        #expect(plan.contains { $0.contains("grants_one_active_per_mac") }, "active grant: \(plan)")
    }

    func fill(_ store: PostgresStore, rows: Int) async throws {
        let now = Self.now.epochMilliseconds
        try await store.write(entity: "test") { q in
            try await q.execute(
                """
                INSERT INTO transactions (id, order_code, plan_id, amount_vnd, mac, router_id, provider, status,
                    callback_token, created_at, expires_at, updated_at)
                SELECT 't' || i, 'C' || lpad(i::text, 6, '0'), '1h', 10000,
                    '02:00:00:00:' || lpad(to_hex(i / 256 % 256), 2, '0') || ':' || lpad(to_hex(i % 256), 2, '0'),
                    'cafe', 'sandbox',
                    CASE WHEN i % 50 = 0 THEN 'pending' WHEN i % 3 = 0 THEN 'expired' ELSE 'paid' END,
                    'tok' || i, \(now) - i * 60000, \(now) - i * 60000 + 900000, \(now) - i * 60000
                FROM generate_series(1, \(rows)) AS i
                """)
            try await q.execute(
                """
                INSERT INTO grants (id, mac, status, starts_at, valid_until, created_at, updated_at)
                SELECT 'g' || i, '02:00:01:00:' || lpad(to_hex(i / 256 % 256), 2, '0') || ':'
                        || lpad(to_hex(i % 256), 2, '0'),
                    CASE WHEN i % 40 = 0 THEN 'active' ELSE 'ended' END,
                    \(now) - i * 60000, \(now) - i * 60000 + 3600000, \(now) - i * 60000, \(now) - i * 60000
                FROM generate_series(1, \(rows)) AS i
                """)
            try await q.execute(
                """
                INSERT INTO unlock_jobs (id, transaction_id, router_id, mac, action, status, attempts, next_attempt_at,
                    created_at, updated_at)
                SELECT 'j' || i, 't' || i, 'cafe', '02:00:00:00:00:01', 'coa',
                    CASE WHEN i % 100 = 0 THEN 'queued' ELSE 'acked' END, 1,
                    \(now) - i * 60000, \(now) - i * 60000, \(now) - i * 60000
                FROM generate_series(1, \(rows)) AS i
                """)
        }
        try await store.read(entity: "test") { q in try await q.execute("ANALYZE") }
    }
}
