import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: ReportStore {
    public func revenue(from: Date, to: Date, by grouping: RevenueGrouping, utcOffsetSeconds: Int)
        async throws(StoreError)
        -> [RevenueLine]
    {
        // Refunds count against the sale they belong to, so a day's net is what that day sold.
        let key: String =
            switch grouping {
            case .day: "strftime('%Y-%m-%d', (t.paid_at / 1000) + \(utcOffsetSeconds), 'unixepoch')"
            case .plan: "t.plan_id"
            case .provider: "t.provider"
            case .router: "t.router_id"
            }
        let sql = """
            SELECT \(key) AS key, COUNT(*) AS sales, SUM(t.amount_vnd) AS gross,
                SUM((SELECT COALESCE(SUM(r.amount_vnd), 0) FROM refunds r
                     WHERE r.transaction_id = t.id AND r.status = 'succeeded')) AS refunded
            FROM transactions t
            WHERE t.paid_at IS NOT NULL AND t.paid_at >= ? AND t.paid_at < ? AND t.status IN ('paid', 'refunded')
            GROUP BY key ORDER BY \(grouping == .day ? "key" : "gross DESC, key")
            """
        return try await read(entity: "reports") { db in
            try Row.fetchAll(db, sql: sql, arguments: [from.epochMilliseconds, to.epochMilliseconds]).map { row in
                RevenueLine(
                    key: row["key"] ?? "", sales: row["sales"] ?? 0, gross: Money(dong: row["gross"] ?? 0),
                    refunded: Money(dong: row["refunded"] ?? 0))
            }
        }
    }

    public func paymentsPerHour(from: Date, to: Date) async throws(StoreError) -> [(
        hour: Date, sales: Int, amount: Money
    )] {
        try await read(entity: "reports") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT (paid_at / 3600000) * 3600000 AS hour, COUNT(*) AS sales, SUM(amount_vnd) AS amount
                    FROM transactions WHERE paid_at IS NOT NULL AND paid_at >= ? AND paid_at < ?
                    GROUP BY hour ORDER BY hour
                    """, arguments: [from.epochMilliseconds, to.epochMilliseconds]
            ).map { row in
                (Date(epochMilliseconds: row["hour"]), row["sales"] as Int, Money(dong: row["amount"] ?? 0))
            }
        }
    }

    public func countTransactions(matching filter: TransactionFilter) async throws(StoreError) -> Int {
        let (whereClause, arguments) = Self.whereClause(filter)
        return try await read(entity: "reports") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM transactions \(whereClause)", arguments: arguments) ?? 0
        }
    }

    public func activeGrants(limit: Int, offset: Int) async throws(StoreError) -> [Grant] {
        try await read(entity: "reports") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM grants WHERE status = 'active' ORDER BY updated_at DESC LIMIT ? OFFSET ?",
                arguments: [limit, offset]
            ).map { try Self.grant($0, db: db) }
        }
    }

    public func activeGrantCount() async throws(StoreError) -> Int {
        try await read(entity: "reports") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grants WHERE status = 'active'") ?? 0
        }
    }

    public func transactionCounts() async throws(StoreError) -> [(status: String, provider: String, count: Int)] {
        try await read(entity: "reports") { db in
            try Row.fetchAll(
                db, sql: "SELECT status, provider, COUNT(*) AS n FROM transactions GROUP BY status, provider"
            ).map { ($0["status"], $0["provider"], $0["n"]) }
        }
    }

    public func openSessions(limit: Int) async throws(StoreError) -> [RadiusSession] {
        try await read(entity: "reports") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM radius_sessions WHERE stopped_at IS NULL ORDER BY updated_at DESC LIMIT ?",
                arguments: [limit]
            ).map(Self.session)
        }
    }

    public func openSessionCount() async throws(StoreError) -> Int {
        try await read(entity: "reports") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM radius_sessions WHERE stopped_at IS NULL") ?? 0
        }
    }

    public func troubledUnlockJobs(stuckBefore: Date, failedSince: Date, limit: Int) async throws(StoreError)
        -> [UnlockJob]
    {
        try await read(entity: "reports") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT j.* FROM unlock_jobs j
                    WHERE (j.status IN ('queued', 'sent', 'confirming') AND j.created_at < ?)
                       OR (j.status IN ('nak', 'failed', 'unconfirmed') AND j.updated_at >= ?
                           AND EXISTS (SELECT 1 FROM grants g WHERE g.id = j.grant_id AND g.status = 'active'))
                    ORDER BY j.created_at DESC LIMIT ?
                    """,
                arguments: [stuckBefore.epochMilliseconds, failedSince.epochMilliseconds, limit]
            ).map(Self.unlockJob)
        }
    }

    public func pendingTransactions(closingFrom from: Date, to: Date, limit: Int) async throws(StoreError)
        -> [Transaction]
    {
        try await read(entity: "reports") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM transactions WHERE status = 'pending' AND expires_at >= ? AND expires_at < ?
                    ORDER BY expires_at LIMIT ?
                    """, arguments: [from.epochMilliseconds, to.epochMilliseconds, limit]
            ).map(Self.transaction)
        }
    }

    public func auditEvents(before sequence: Int64?, kindPrefix: String?, limit: Int) async throws(StoreError)
        -> [AuditEvent]
    {
        var clauses: [String] = []
        var arguments = StatementArguments()
        if let sequence {
            clauses.append("sequence < ?")
            _ = arguments.append(contentsOf: [sequence])
        }
        if let kindPrefix, !kindPrefix.isEmpty {
            clauses.append("kind LIKE ? ESCAPE '\\'")
            let escaped = kindPrefix.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            _ = arguments.append(contentsOf: [escaped + "%"])
        }
        _ = arguments.append(contentsOf: [limit])
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let frozen = arguments
        return try await read(entity: "reports") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM audit_events \(whereClause) ORDER BY sequence DESC LIMIT ?", arguments: frozen
            ).map(Self.auditEvent)
        }
    }

    public func sessions(mac: MACAddress, since: Date, limit: Int) async throws(StoreError) -> [RadiusSession] {
        try await read(entity: "reports") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM radius_sessions WHERE mac = ? AND (stopped_at IS NULL OR stopped_at >= ?)
                    ORDER BY started_at LIMIT ?
                    """, arguments: [mac.description, since.epochMilliseconds, limit]
            ).map(Self.session)
        }
    }
}
