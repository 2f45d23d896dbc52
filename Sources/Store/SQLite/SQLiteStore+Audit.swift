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
        try StoredRows.auditEvent(RowReader(row, entity: "audit event", idColumn: "sequence"))
    }
}

extension SQLiteStore: StoreHealth {
    public func ping() async throws(StoreError) {
        _ = try await read(entity: "audit") { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }
}
