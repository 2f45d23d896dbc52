import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: WebhookStore {
    public func addWebhookEndpoint(_ endpoint: WebhookEndpoint, actor: String) async throws(StoreError) {
        let sealed = try sealedWebhookSecret(endpoint)
        try await write(entity: "webhook endpoint") { db in
            try db.execute(
                sql: """
                    INSERT INTO webhook_endpoints (id, url, events, secret_sealed, description, enabled, created_at,
                        updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    endpoint.id, endpoint.url, WebhookEndpoint.storedEvents(endpoint.events), sealed,
                    endpoint.description,
                    endpoint.enabled, endpoint.createdAt.epochMilliseconds, endpoint.updatedAt.epochMilliseconds,
                ])
            try Self.audit(
                AuditEvent(
                    at: endpoint.createdAt, kind: .webhookChanged, actor: actor,
                    detail:
                        "added webhook \(endpoint.id) → \(endpoint.url) for \(WebhookEndpoint.storedEvents(endpoint.events))"
                ),
                db: db)
        }
    }

    public func webhookEndpoints() async throws(StoreError) -> [WebhookEndpoint] {
        let cipher = self.cipher
        return try await read(entity: "webhook endpoint") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhook_endpoints ORDER BY created_at, id").map {
                try Self.endpoint($0, cipher: cipher)
            }
        }
    }

    public func webhookEndpoint(id: String) async throws(StoreError) -> WebhookEndpoint? {
        let cipher = self.cipher
        return try await read(entity: "webhook endpoint") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM webhook_endpoints WHERE id = ?", arguments: [id]).map {
                try Self.endpoint($0, cipher: cipher)
            }
        }
    }

    public func updateWebhookEndpoint(_ endpoint: WebhookEndpoint, actor: String) async throws(StoreError) {
        let sealed = try sealedWebhookSecret(endpoint)
        try await write(entity: "webhook endpoint") { db in
            try db.execute(
                sql: """
                    UPDATE webhook_endpoints SET url = ?, events = ?, secret_sealed = ?, description = ?, enabled = ?,
                        updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    endpoint.url, WebhookEndpoint.storedEvents(endpoint.events), sealed, endpoint.description,
                    endpoint.enabled,
                    endpoint.updatedAt.epochMilliseconds, endpoint.id,
                ])
            guard db.changesCount == 1 else { throw StoreError.notFound(entity: "webhook endpoint", id: endpoint.id) }
            try Self.audit(
                AuditEvent(
                    at: endpoint.updatedAt, kind: .webhookChanged, actor: actor,
                    detail:
                        "changed webhook \(endpoint.id): \(endpoint.url), \(WebhookEndpoint.storedEvents(endpoint.events)), \(endpoint.enabled ? "enabled" : "disabled")"
                ),
                db: db)
        }
    }

    public func removeWebhookEndpoint(id: String, actor: String) async throws(StoreError) {
        try await write(entity: "webhook endpoint") { db in
            try db.execute(
                sql: """
                    DELETE FROM webhook_attempts WHERE delivery_id IN
                        (SELECT id FROM webhook_deliveries WHERE endpoint_id = ?)
                    """, arguments: [id])
            try db.execute(sql: "DELETE FROM webhook_deliveries WHERE endpoint_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM webhook_endpoints WHERE id = ?", arguments: [id])
            guard db.changesCount == 1 else { throw StoreError.notFound(entity: "webhook endpoint", id: id) }
            try Self.audit(
                AuditEvent(at: Date(), kind: .webhookChanged, actor: actor, detail: "removed webhook \(id)"), db: db)
        }
    }

    public func queueWebhookTest(endpointID: String, at: Date, actor: String) async throws(StoreError)
        -> WebhookDelivery
    {
        try await write(entity: "webhook endpoint") { db in
            guard
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = ?)", arguments: [endpointID])
                    == true
            else { throw StoreError.notFound(entity: "webhook endpoint", id: endpointID) }
            let event = WebhookEvent(
                id: WebhookEvent.newID(), type: .test, createdAt: at,
                data: .init(actor: actor, detail: "a test event from hotspotpay; nothing was sold"))
            let sequence = try Self.insert(event, transactionID: nil, db: db)
            let id = try Self.insertDelivery(
                sequence: sequence, endpointID: endpointID, transactionID: nil, at: at, db: db)
            return try Self.delivery(id: id, db: db)
        }
    }

    public func claimWebhookDeliveries(at: Date, limit: Int, leaseSeconds: Double) async throws(StoreError)
        -> [WebhookDispatch]
    {
        let cipher = self.cipher
        let now = at.epochMilliseconds
        let until = at.addingTimeInterval(leaseSeconds).epochMilliseconds
        return try await write(entity: "webhook delivery") { db in
            let ids = try Int64.fetchAll(
                db.cachedStatement(sql: Self.dueWebhookDeliveriesSQL), arguments: [now, now, limit])
            guard !ids.isEmpty else { return [] }
            var dispatches: [WebhookDispatch] = []
            for id in ids {
                try db.cachedStatement(
                    sql: """
                        UPDATE webhook_deliveries SET claimed_until = ?
                        WHERE id = ? AND status = 'pending' AND (claimed_until IS NULL OR claimed_until <= ?)
                        """
                ).execute(arguments: [until, id, now])
                guard db.changesCount == 1,
                    let row = try Row.fetchOne(
                        db.cachedStatement(
                            sql: """
                                SELECT e.id, e.url, e.secret_sealed, ev.body FROM webhook_deliveries d
                                JOIN webhook_endpoints e ON e.id = d.endpoint_id
                                JOIN webhook_events ev ON ev.sequence = d.event_sequence
                                WHERE d.id = ?
                                """), arguments: [id])
                else { continue }
                let endpointID: String = row["id"]
                guard let cipher else { throw StoreError.secretKeyRequired(entity: "webhook endpoint", id: endpointID) }
                let sealed: String = row["secret_sealed"]
                dispatches.append(
                    WebhookDispatch(
                        delivery: try Self.delivery(id: id, db: db), url: row["url"],
                        secret: Secret(try cipher.open(sealed, entity: "webhook endpoint", id: endpointID)),
                        body: row["body"]))
            }
            return dispatches
        }
    }

    /// Due, unclaimed, for an enabled endpoint (a disabled one's deliveries wait), and first in
    /// line for its sale at its endpoint. Uses the partial indexes
    /// `webhook_deliveries_due` and `webhook_deliveries_sale` (asserted in a test).
    public static let dueWebhookDeliveriesSQL = """
        SELECT d.id FROM webhook_deliveries d
        WHERE d.status = 'pending' AND d.next_attempt_at <= ?
            AND (d.claimed_until IS NULL OR d.claimed_until <= ?)
            AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id AND e.enabled = 1)
            AND (d.transaction_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM webhook_deliveries earlier
                WHERE earlier.status = 'pending' AND earlier.endpoint_id = d.endpoint_id
                    AND earlier.transaction_id = d.transaction_id AND earlier.id < d.id))
        ORDER BY d.next_attempt_at, d.id LIMIT ?
        """

    public func recordWebhookAttempt(_ attempt: WebhookAttempt, retryAt: Date?) async throws(StoreError)
        -> WebhookDelivery
    {
        try await write(entity: "webhook delivery") { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO webhook_attempts (delivery_id, number, at, status_code, latency_ms, response_excerpt,
                        error)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    attempt.deliveryID, attempt.number, attempt.at.epochMilliseconds, attempt.statusCode,
                    attempt.latencyMilliseconds, attempt.responseExcerpt, attempt.error,
                ])
            let status: WebhookDelivery.Status = attempt.delivered ? .delivered : retryAt == nil ? .dead : .pending
            try db.cachedStatement(
                sql: """
                    UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, claimed_until = NULL,
                        last_status_code = ?, last_error = ?, delivered_at = ?
                    WHERE id = ? AND status = 'pending'
                    """
            ).execute(
                arguments: [
                    status.rawValue, attempt.number, (retryAt ?? attempt.at).epochMilliseconds, attempt.statusCode,
                    attempt.error, attempt.delivered ? attempt.at.epochMilliseconds : nil, attempt.deliveryID,
                ])
            guard db.changesCount == 1 else {
                throw StoreError.notFound(entity: "pending webhook delivery", id: "\(attempt.deliveryID)")
            }
            return try Self.delivery(id: attempt.deliveryID, db: db)
        }
    }

    public func retryWebhookDelivery(id: Int64, at: Date, actor: String) async throws(StoreError) -> WebhookDelivery {
        try await write(entity: "webhook delivery") { db in
            try db.execute(
                sql: """
                    UPDATE webhook_deliveries SET status = 'pending', round_start = attempts, next_attempt_at = ?,
                        claimed_until = NULL
                    WHERE id = ? AND status IN ('dead', 'pending')
                    """, arguments: [at.epochMilliseconds, id])
            guard db.changesCount == 1 else {
                let exists = try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = ?)", arguments: [id])
                guard exists == true else { throw StoreError.notFound(entity: "webhook delivery", id: "\(id)") }
                throw StoreError.transition(
                    TransitionError(
                        entity: "webhook delivery", event: "retry", from: "delivered",
                        allowedFrom: ["dead", "pending"], kind: .forbidden))
            }
            let delivery = try Self.delivery(id: id, db: db)
            try Self.audit(
                AuditEvent(
                    at: at, kind: .webhookChanged, actor: actor, transactionID: delivery.transactionID,
                    detail: "sending \(delivery.eventType) \(delivery.eventID) to webhook \(delivery.endpointID) again"),
                db: db)
            return delivery
        }
    }

    public func webhookDeliveries(endpointID: String?, status: WebhookDelivery.Status?, limit: Int)
        async throws(StoreError) -> [WebhookDelivery]
    {
        try await read(entity: "webhook delivery") { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let endpointID {
                conditions.append("d.endpoint_id = ?")
                _ = arguments.append(contentsOf: [endpointID])
            }
            if let status {
                conditions.append("d.status = ?")
                _ = arguments.append(contentsOf: [status.rawValue])
            }
            _ = arguments.append(contentsOf: [limit])
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db, sql: Self.deliveryColumns + " \(filter) ORDER BY d.id DESC LIMIT ?", arguments: arguments
            ).map(Self.delivery)
        }
    }

    public func webhookDelivery(id: Int64) async throws(StoreError) -> WebhookDelivery? {
        try await read(entity: "webhook delivery") { db in
            try Row.fetchOne(db, sql: Self.deliveryColumns + " WHERE d.id = ?", arguments: [id]).map(Self.delivery)
        }
    }

    public func webhookAttempts(deliveryID: Int64) async throws(StoreError) -> [WebhookAttempt] {
        try await read(entity: "webhook delivery") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY number", arguments: [deliveryID]
            ).map { row in
                try StoredRows.webhookAttempt(RowReader(row, entity: "webhook attempt", idColumn: "delivery_id"))
            }
        }
    }

    public func webhookEventBody(eventID: String) async throws(StoreError) -> String? {
        try await read(entity: "webhook event") { db in
            try String.fetchOne(db, sql: "SELECT body FROM webhook_events WHERE id = ?", arguments: [eventID])
        }
    }

    public func webhookDeliveryCounts() async throws(StoreError) -> [WebhookDelivery.Status: Int] {
        try await read(entity: "webhook delivery") { db in
            var counts: [WebhookDelivery.Status: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT status, COUNT(*) AS n FROM webhook_deliveries GROUP BY status")
            {
                if let status = WebhookDelivery.Status(rawValue: row["status"]) { counts[status] = row["n"] }
            }
            return counts
        }
    }

    public func pruneWebhookDeliveries(deliveredBefore before: Date) async throws(StoreError) -> Int {
        try await write(entity: "webhook delivery") { db in
            let cutoff = before.epochMilliseconds
            try db.execute(
                sql: """
                    DELETE FROM webhook_attempts WHERE delivery_id IN
                        (SELECT id FROM webhook_deliveries WHERE status = 'delivered' AND delivered_at < ?)
                    """, arguments: [cutoff])
            try db.execute(
                sql: "DELETE FROM webhook_deliveries WHERE status = 'delivered' AND delivered_at < ?",
                arguments: [cutoff])
            let pruned = db.changesCount
            try db.execute(
                sql: """
                    DELETE FROM webhook_events WHERE created_at < ?
                        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_sequence = webhook_events.sequence)
                    """, arguments: [cutoff])
            return pruned
        }
    }

    // MARK: - The outbox, written by every audited change

    /// Writes the event `audited` reports, with a delivery for each enabled endpoint subscribed
    /// to it, in the caller's database transaction. Nothing is written when no endpoint listens.
    static func publish(_ audited: AuditEvent, db: Database) throws {
        guard let type = WebhookEventType(reporting: audited.kind) else { return }
        let endpoints = try String.fetchAll(
            db.cachedStatement(
                sql: "SELECT id FROM webhook_endpoints WHERE enabled = 1 AND instr(',' || events || ',', ?) > 0"),
            arguments: [",\(type.rawValue),"])
        guard !endpoints.isEmpty else { return }
        var payload = WebhookEvent.Payload(actor: audited.actor, detail: audited.detail)
        if let transactionID = audited.transactionID {
            payload.transaction = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM transactions WHERE id = ?"), arguments: [transactionID]
            ).map(transactionSummary)
            payload.grant = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT g.* FROM grants g JOIN grant_transactions gt ON gt.grant_id = g.id
                        WHERE gt.transaction_id = ?
                        """), arguments: [transactionID]
            ).map(grantSummary)
            if let amount = audited.amount, amount.dong != payload.transaction?.amountVND {
                payload.amountVND = amount.dong
            }
        } else {
            payload.amountVND = audited.amount?.dong
        }
        let event = WebhookEvent(id: WebhookEvent.newID(), type: type, createdAt: audited.at, data: payload)
        let sequence = try insert(event, transactionID: audited.transactionID, db: db)
        for endpoint in endpoints {
            _ = try insertDelivery(
                sequence: sequence, endpointID: endpoint, transactionID: audited.transactionID, at: audited.at, db: db)
        }
    }

    static func insert(_ event: WebhookEvent, transactionID: String?, db: Database) throws -> Int64 {
        let body = event.json
        try db.cachedStatement(
            sql: "INSERT INTO webhook_events (id, type, transaction_id, body, created_at) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [event.id, event.type.rawValue, transactionID, body, event.createdAt.epochMilliseconds])
        return db.lastInsertedRowID
    }

    static func insertDelivery(sequence: Int64, endpointID: String, transactionID: String?, at: Date, db: Database)
        throws -> Int64
    {
        try db.cachedStatement(
            sql: """
                INSERT INTO webhook_deliveries (event_sequence, endpoint_id, transaction_id, status, attempts,
                    next_attempt_at, created_at)
                VALUES (?, ?, ?, 'pending', 0, ?, ?)
                """
        ).execute(arguments: [sequence, endpointID, transactionID, at.epochMilliseconds, at.epochMilliseconds])
        return db.lastInsertedRowID
    }

    // MARK: - Rows

    static let deliveryColumns = """
        SELECT d.*, ev.id AS event_id, ev.type AS event_type FROM webhook_deliveries d
        JOIN webhook_events ev ON ev.sequence = d.event_sequence
        """

    static func delivery(id: Int64, db: Database) throws -> WebhookDelivery {
        guard let row = try Row.fetchOne(db, sql: deliveryColumns + " WHERE d.id = ?", arguments: [id]) else {
            throw StoreError.notFound(entity: "webhook delivery", id: "\(id)")
        }
        return try delivery(row)
    }

    static func delivery(_ row: Row) throws -> WebhookDelivery {
        try StoredRows.webhookDelivery(RowReader(row, entity: "webhook delivery"))
    }

    static func endpoint(_ row: Row, cipher: SecretCipher?) throws -> WebhookEndpoint {
        try StoredRows.webhookEndpoint(RowReader(row, entity: "webhook endpoint"), cipher: cipher)
    }

    private func sealedWebhookSecret(_ endpoint: WebhookEndpoint) throws(StoreError) -> String {
        try endpoint.sealedSecret(cipher)
    }

    static func transactionSummary(_ row: Row) throws -> WebhookEvent.TransactionSummary {
        try StoredRows.transactionSummary(RowReader(row, entity: "transaction"))
    }

    static func grantSummary(_ row: Row) throws -> WebhookEvent.GrantSummary {
        try StoredRows.grantSummary(RowReader(row, entity: "grant"))
    }
}
