import HotspotPayCore

/// The append-only record of money-moving events and operator changes. The SQLite table
/// refuses UPDATE and DELETE with triggers, so not even a bug can rewrite history.
public protocol AuditLog: Sendable {
    func append(_ event: AuditEvent) async throws(StoreError)
    func auditEvents(transactionID: String) async throws(StoreError) -> [AuditEvent]
    /// The newest events first.
    func recentAuditEvents(limit: Int) async throws(StoreError) -> [AuditEvent]
}
