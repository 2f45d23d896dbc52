import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: ReportStore {
    public func revenue(from: Date, to: Date, by grouping: RevenueGrouping, utcOffsetSeconds: Int)
        async throws(StoreError) -> [RevenueLine]
    {
        // Refunds count against the sale they belong to, so a day's net is what that day sold.
        let key: String =
            switch grouping {
            case .day:
                "to_char(to_timestamp(t.paid_at / 1000 + \(utcOffsetSeconds)) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
            case .plan: "t.plan_id"
            case .provider: "t.provider"
            case .router: "t.router_id"
            }
        return try await read(entity: "reports") { q in
            try await q.rows(
                """
                SELECT \(unescaped: key) AS key, COUNT(*) AS sales, SUM(t.amount_vnd)::bigint AS gross,
                    SUM((SELECT COALESCE(SUM(r.amount_vnd), 0) FROM refunds r
                         WHERE r.transaction_id = t.id AND r.status = 'succeeded'))::bigint AS refunded
                FROM transactions t
                WHERE t.paid_at IS NOT NULL AND t.paid_at >= \(from.epochMilliseconds)
                    AND t.paid_at < \(to.epochMilliseconds) AND t.status IN ('paid', 'refunded')
                GROUP BY 1 ORDER BY \(unescaped: grouping == .day ? "1" : "3 DESC, 1")
                """
            ).map { row in
                let columns = PostgresColumns(row, entity: "revenue", idColumn: "key")
                return RevenueLine(
                    key: try columns.optionalString("key") ?? "", sales: try columns.int("sales"),
                    gross: Money(dong: try columns.optionalInt64("gross") ?? 0),
                    refunded: Money(dong: try columns.optionalInt64("refunded") ?? 0))
            }
        }
    }

    public func paymentsPerHour(from: Date, to: Date) async throws(StoreError) -> [(
        hour: Date, sales: Int, amount: Money
    )] {
        try await read(entity: "reports") { q in
            try await q.rows(
                """
                SELECT (paid_at / 3600000) * 3600000 AS hour, COUNT(*) AS sales, SUM(amount_vnd)::bigint AS amount
                FROM transactions
                WHERE paid_at IS NOT NULL AND paid_at >= \(from.epochMilliseconds) AND paid_at < \(to.epochMilliseconds)
                GROUP BY 1 ORDER BY 1
                """
            ).map { row in
                let columns = PostgresColumns(row, entity: "payments per hour", idColumn: "hour")
                return (
                    try columns.date("hour"), try columns.int("sales"),
                    Money(dong: try columns.optionalInt64("amount") ?? 0)
                )
            }
        }
    }

    public func countTransactions(matching filter: TransactionFilter) async throws(StoreError) -> Int {
        try await read(entity: "reports") { q in
            Int(try await q.scalar(Self.filtered("SELECT COUNT(*) FROM transactions", filter), as: Int64.self) ?? 0)
        }
    }

    public func activeGrants(limit: Int, offset: Int) async throws(StoreError) -> [Grant] {
        try await read(entity: "reports") { q in
            var grants: [Grant] = []
            for row in try await q.rows(
                "SELECT * FROM grants WHERE status = 'active' ORDER BY updated_at DESC LIMIT \(limit) OFFSET \(offset)")
            {
                grants.append(try await Self.grant(row, q))
            }
            return grants
        }
    }

    public func activeGrantCount() async throws(StoreError) -> Int {
        try await count("SELECT COUNT(*) FROM grants WHERE status = 'active'")
    }

    public func transactionCounts() async throws(StoreError) -> [(status: String, provider: String, count: Int)] {
        try await read(entity: "reports") { q in
            try await q.rows("SELECT status, provider, COUNT(*) AS n FROM transactions GROUP BY status, provider").map {
                row in
                (
                    try row["status"].decode(String.self), try row["provider"].decode(String.self),
                    Int(try row["n"].decode(Int64.self))
                )
            }
        }
    }

    public func openSessions(limit: Int) async throws(StoreError) -> [RadiusSession] {
        try await read(entity: "reports") { q in
            try await q.rows(
                "SELECT * FROM radius_sessions WHERE stopped_at IS NULL ORDER BY updated_at DESC LIMIT \(limit)"
            ).map(Self.session)
        }
    }

    public func openSessionCount() async throws(StoreError) -> Int {
        try await count("SELECT COUNT(*) FROM radius_sessions WHERE stopped_at IS NULL")
    }

    public func troubledUnlockJobs(stuckBefore: Date, failedSince: Date, limit: Int) async throws(StoreError)
        -> [UnlockJob]
    {
        try await read(entity: "reports") { q in
            try await q.rows(
                """
                SELECT j.* FROM unlock_jobs j
                WHERE (j.status IN ('queued', 'sent', 'confirming') AND j.created_at < \(stuckBefore.epochMilliseconds))
                   OR (j.status IN ('nak', 'failed', 'unconfirmed') AND j.updated_at >= \(failedSince.epochMilliseconds)
                       AND EXISTS (SELECT 1 FROM grants g WHERE g.id = j.grant_id AND g.status = 'active'))
                ORDER BY j.created_at DESC LIMIT \(limit)
                """
            ).map(Self.unlockJob)
        }
    }

    public func pendingTransactions(closingFrom from: Date, to: Date, limit: Int) async throws(StoreError)
        -> [Transaction]
    {
        try await read(entity: "reports") { q in
            try await q.rows(
                """
                SELECT * FROM transactions WHERE status = 'pending' AND expires_at >= \(from.epochMilliseconds)
                    AND expires_at < \(to.epochMilliseconds)
                ORDER BY expires_at LIMIT \(limit)
                """
            ).map(Self.transaction)
        }
    }

    /// Newest first, a page before `sequence`; `kindPrefix` matches kinds literally (no patterns).
    public func auditEvents(before sequence: Int64?, kindPrefix: String?, limit: Int) async throws(StoreError)
        -> [AuditEvent]
    {
        let prefix = kindPrefix.flatMap { $0.isEmpty ? nil : $0 }
        return try await read(entity: "reports") { q in
            try await q.rows(
                """
                SELECT * FROM audit_events
                WHERE (\(sequence)::bigint IS NULL OR sequence < \(sequence))
                    AND (\(prefix)::text IS NULL OR starts_with(kind, \(prefix)))
                ORDER BY sequence DESC LIMIT \(limit)
                """
            ).map(Self.auditEvent)
        }
    }

    public func sessions(mac: MACAddress, since: Date, limit: Int) async throws(StoreError) -> [RadiusSession] {
        try await read(entity: "reports") { q in
            try await q.rows(
                """
                SELECT * FROM radius_sessions
                WHERE mac = \(mac.description) AND (stopped_at IS NULL OR stopped_at >= \(since.epochMilliseconds))
                ORDER BY started_at LIMIT \(limit)
                """
            ).map(Self.session)
        }
    }

    private func count(_ sql: String) async throws(StoreError) -> Int {
        try await read(entity: "reports") { q in
            Int(try await q.scalar(PostgresQuery(unsafeSQL: sql), as: Int64.self) ?? 0)
        }
    }
}
