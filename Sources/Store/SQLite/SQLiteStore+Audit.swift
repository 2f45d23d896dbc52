import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: AuditLog {
    public func append(_ event: AuditEvent) async throws(StoreError) {
        try await write(entity: "audit event") { db in try Self.audit(event, db: db) }
    }

    public func auditEvents(transactionID: String) async throws(StoreError) -> [AuditEvent] {
        try await read(entity: "audit") { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM audit_events WHERE transaction_id = ? ORDER BY sequence"),
                arguments: [transactionID]
            ).map(Self.auditEvent)
        }
    }

    public func recentAuditEvents(limit: Int) async throws(StoreError) -> [AuditEvent] {
        try await read(entity: "audit") { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM audit_events ORDER BY sequence DESC LIMIT ?"), arguments: [limit]
            )
            .map(Self.auditEvent)
        }
    }

    /// Appends inside the caller's write, so the event commits or rolls back with what it describes;
    /// a change venue systems are told about gets its webhook event in the same write.
    static func audit(_ event: AuditEvent, db: Database) throws {
        try db.cachedStatement(
            sql:
                "INSERT INTO audit_events (at, kind, actor, transaction_id, amount_vnd, detail) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(
            arguments: [
                event.at.epochMilliseconds, event.kind.rawValue, event.actor, event.transactionID, event.amount?.dong,
                event.detail,
            ])
        try publish(event, db: db)
    }

    static func auditEvent(_ row: Row) throws -> AuditEvent {
        let reader = RowReader(row, entity: "audit event", idColumn: "sequence")
        return AuditEvent(
            sequence: try reader.value("sequence"), at: try reader.date("at"),
            kind: AuditKind(rawValue: try reader.value("kind")),
            actor: try reader.value("actor"), transactionID: try reader.value("transaction_id"),
            amount: (try reader.value("amount_vnd", as: Int64?.self)).map(Money.init(dong:)),
            detail: try reader.value("detail"))
    }
}

extension SQLiteStore: StoreHealth {
    public func ping() async throws(StoreError) {
        _ = try await read(entity: "audit") { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }
}
