import Foundation
import GRDB
import HotspotPayCore
import Store
import TestSupport
import Testing

/// The sweeper and the unlock worker run their queries every few seconds over tables that grow
/// to millions of rows: each must seek an index, never scan the table.
@Suite struct SweeperIndexTests {
    static let queries: [(sql: String, index: String)] = [
        (SQLiteStore.pendingPastExpirySQL, "transactions_status_expires"),
        (SQLiteStore.pendingOpenSQL, "transactions_status_expires"),
        (SQLiteStore.grantsPastEndSQL, "grants_status_valid_until"),
        (SQLiteStore.dueUnlockJobsSQL, "unlock_jobs_status_next"),
    ]

    @Test(arguments: queries.map(\.sql).indices)
    func sweeperQueriesSeekTheirIndex(index: Int) async throws {
        let harness = try await StoreHarness()
        try await fill(harness, rows: 5000)
        let (sql, name) = Self.queries[index]
        let plan = try await harness.store.queryPlan(sql, arguments: [Date().timeIntervalSince1970 * 1000, 100])
        #expect(plan.contains { $0.contains("USING INDEX \(name)") }, "plan: \(plan)")
        // A compound query reads its ordered parts back as `SCAN (subquery-N)`: no table is scanned.
        #expect(!plan.contains { $0.hasPrefix("SCAN") && !$0.hasPrefix("SCAN (subquery") }, "plan: \(plan)")
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "sorting must come from the index: \(plan)")
    }

    /// The portal resumes a device's newest purchase on every landing.
    @Test func resumingADevicesNewestPurchaseSeeksItsIndexInOrder() async throws {
        let harness = try await StoreHarness()
        try await fill(harness, rows: 5000)
        let plan = try await harness.store.queryPlan(
            SQLiteStore.latestTransactionSQL, arguments: ["02:00:00:00:00:42"])
        #expect(plan.contains { $0.contains("USING INDEX transactions_mac_created") }, "plan: \(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN") || $0.contains("TEMP B-TREE") }, "plan: \(plan)")
    }

    @Test func findingADevicesActiveGrantUsesThePartialIndex() async throws {
        let harness = try await StoreHarness()
        let plan = try await harness.store.queryPlan(
            "SELECT * FROM grants WHERE mac = ? AND status = 'active'", arguments: ["AA:BB:CC:DD:EE:01"])
        #expect(plan.contains { $0.contains("grants_one_active_per_mac") }, "plan: \(plan)")
    }

    /// Mostly finished history with a few live rows, the shape of a real venue's database; run
    /// ANALYZE so the planner decides with real statistics rather than defaults.
    func fill(_ harness: StoreHarness, rows: Int) async throws {
        let raw = try DatabaseQueue(path: harness.path)
        try await raw.write { db in
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            for index in 0..<rows {
                let status = index % 50 == 0 ? "pending" : (index % 3 == 0 ? "expired" : "paid")
                try db.execute(
                    sql: """
                        INSERT INTO transactions (id, order_code, plan_id, amount_vnd, mac, router_id, provider, status,
                            callback_token, created_at, expires_at, updated_at)
                        VALUES (?, ?, '1h', 10000, ?, 'cafe', 'sandbox', ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        "t\(index)", String(format: "C%05d", index),
                        String(format: "02:00:00:00:%02X:%02X", index / 256 % 256, index % 256), status, "tok\(index)",
                        now - Int64(index) * 1000, now - Int64(index) * 1000 + 900_000, now,
                    ])
                try db.execute(
                    sql: """
                        INSERT INTO grants (id, mac, status, starts_at, valid_until, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        "g\(index)", "02:00:00:\(index)", index % 20 == 0 ? "active" : "ended", now, now + Int64(index),
                        now, now,
                    ])
                try db.execute(
                    sql: """
                        INSERT INTO unlock_jobs (id, router_id, mac, action, status, next_attempt_at, created_at, updated_at)
                        VALUES (?, 'cafe', 'x', 'coa', ?, ?, ?, ?)
                        """,
                    arguments: ["j\(index)", index % 40 == 0 ? "queued" : "acked", now, now, now])
            }
            try db.execute(sql: "ANALYZE")
        }
    }
}
