import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: AuditLog {
    public func append(_ event: AuditEvent) async throws(StoreError) {
        try await write(entity: "audit event") { q in try await Self.audit(event, q) }
    }

    public func auditEvents(transactionID: String) async throws(StoreError) -> [AuditEvent] {
        try await read(entity: "audit") { q in
            try await q.rows("SELECT * FROM audit_events WHERE transaction_id = \(transactionID) ORDER BY sequence")
                .map(Self.auditEvent)
        }
    }

    public func recentAuditEvents(limit: Int) async throws(StoreError) -> [AuditEvent] {
        try await read(entity: "audit") { q in
            try await q.rows("SELECT * FROM audit_events ORDER BY sequence DESC LIMIT \(limit)").map(Self.auditEvent)
        }
    }

    /// Appends inside the caller's transaction, so the event commits or rolls back with what it
    /// describes; a change venue systems are told about gets its webhook event in the same write.
    /// One round trip: the line is inserted and, for a kind venue systems are told about, the
    /// subscribed endpoints come back from the same statement.
    static func audit(_ event: AuditEvent, _ q: PostgresQueries) async throws {
        guard let type = WebhookEventType(reporting: event.kind) else {
            try await q.execute(
                """
                INSERT INTO audit_events (at, kind, actor, transaction_id, amount_vnd, detail)
                VALUES (\(event.at.epochMilliseconds), \(event.kind.rawValue), \(event.actor), \(event.transactionID),
                    \(event.amount?.dong), \(event.detail))
                """)
            return
        }
        // A data-modifying WITH runs whether or not the query reads it.
        let endpoints = try await q.rows(
            """
            WITH line AS (
                INSERT INTO audit_events (at, kind, actor, transaction_id, amount_vnd, detail)
                VALUES (\(event.at.epochMilliseconds), \(event.kind.rawValue), \(event.actor), \(event.transactionID),
                    \(event.amount?.dong), \(event.detail))
                RETURNING 1)
            SELECT id FROM webhook_endpoints
            WHERE enabled AND strpos(',' || events || ',', \(",\(type.rawValue),")) > 0
            """
        ).map { try $0["id"].decode(String.self) }
        try await publish(event, type: type, to: endpoints, q)
    }

    /// Two lines about one change (a payment and the grant it started), in one round trip: both
    /// inserted in order, and the enabled endpoints read back for their webhooks.
    static func audit(_ first: AuditEvent, _ second: AuditEvent, _ q: PostgresQueries) async throws {
        let endpoints = try await q.rows(
            """
            WITH lines AS (
                INSERT INTO audit_events (at, kind, actor, transaction_id, amount_vnd, detail)
                VALUES (\(first.at.epochMilliseconds), \(first.kind.rawValue), \(first.actor), \(first.transactionID),
                    \(first.amount?.dong), \(first.detail)),
                    (\(second.at.epochMilliseconds), \(second.kind.rawValue), \(second.actor), \(second.transactionID),
                    \(second.amount?.dong), \(second.detail))
                RETURNING 1)
            SELECT id, events FROM webhook_endpoints WHERE enabled
            """
        ).map {
            (
                id: try $0["id"].decode(String.self),
                events: WebhookEndpoint.events(stored: try $0["events"].decode(String.self))
            )
        }
        for event in [first, second] {
            guard let type = WebhookEventType(reporting: event.kind) else { continue }
            let subscribed = endpoints.filter { $0.events.contains(type) }
            try await publish(event, type: type, to: subscribed.map(\.id), q)
        }
    }

    /// The webhook outbox, written as the SQLite store writes it: one event, one delivery per
    /// enabled endpoint that subscribes.
    static func publish(_ audited: AuditEvent, type: WebhookEventType, to endpoints: [String], _ q: PostgresQueries)
        async throws
    {
        guard !endpoints.isEmpty else { return }
        var payload = WebhookEvent.Payload(actor: audited.actor, detail: audited.detail)
        if let transactionID = audited.transactionID {
            payload.transaction = try await q.row("SELECT * FROM transactions WHERE id = \(transactionID)").map {
                try StoredRows.transactionSummary(PostgresColumns($0, entity: "transaction"))
            }
            payload.grant = try await q.row(
                """
                SELECT g.* FROM grants g JOIN grant_transactions gt ON gt.grant_id = g.id
                WHERE gt.transaction_id = \(transactionID)
                """
            ).map { try StoredRows.grantSummary(PostgresColumns($0, entity: "grant")) }
            if let amount = audited.amount, amount.dong != payload.transaction?.amountVND {
                payload.amountVND = amount.dong
            }
        } else {
            payload.amountVND = audited.amount?.dong
        }
        let event = WebhookEvent(id: WebhookEvent.newID(), type: type, createdAt: audited.at, data: payload)
        let sequence = try await insert(event, transactionID: audited.transactionID, q)
        for endpoint in endpoints {
            _ = try await insertDelivery(
                sequence: sequence, endpointID: endpoint, transactionID: audited.transactionID, at: audited.at, q)
        }
    }

    static func auditEvent(_ row: PostgresRandomAccessRow) throws -> AuditEvent {
        try StoredRows.auditEvent(PostgresColumns(row, entity: "audit event", idColumn: "sequence"))
    }
}

extension PostgresStore: StoreHealth {
    public func ping() async throws(StoreError) {
        _ = try await read(entity: "database") { q in try await q.scalar("SELECT 1", as: Int32.self) }
    }
}
