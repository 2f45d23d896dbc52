import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: WebhookStore {
    public func addWebhookEndpoint(_ endpoint: WebhookEndpoint, actor: String) async throws(StoreError) {
        let sealed = try endpoint.sealedSecret(cipher)
        let events = WebhookEndpoint.storedEvents(endpoint.events)
        try await write(entity: "webhook endpoint") { q in
            try await q.execute(
                """
                INSERT INTO webhook_endpoints (id, url, events, secret_sealed, description, enabled, created_at,
                    updated_at)
                VALUES (\(endpoint.id), \(endpoint.url), \(events), \(sealed), \(endpoint.description),
                    \(endpoint.enabled), \(endpoint.createdAt.epochMilliseconds), \(endpoint.updatedAt.epochMilliseconds))
                """)
            try await Self.audit(
                AuditEvent(
                    at: endpoint.createdAt, kind: .webhookChanged, actor: actor,
                    detail: "added webhook \(endpoint.id) → \(endpoint.url) for \(events)"), q)
        }
    }

    public func webhookEndpoints() async throws(StoreError) -> [WebhookEndpoint] {
        let cipher = self.cipher
        return try await read(entity: "webhook endpoint") { q in
            try await q.rows("SELECT * FROM webhook_endpoints ORDER BY created_at, id").map {
                try StoredRows.webhookEndpoint(PostgresColumns($0, entity: "webhook endpoint"), cipher: cipher)
            }
        }
    }

    public func webhookEndpoint(id: String) async throws(StoreError) -> WebhookEndpoint? {
        let cipher = self.cipher
        return try await read(entity: "webhook endpoint") { q in
            try await q.row("SELECT * FROM webhook_endpoints WHERE id = \(id)").map {
                try StoredRows.webhookEndpoint(PostgresColumns($0, entity: "webhook endpoint"), cipher: cipher)
            }
        }
    }

    public func updateWebhookEndpoint(_ endpoint: WebhookEndpoint, actor: String) async throws(StoreError) {
        let sealed = try endpoint.sealedSecret(cipher)
        let events = WebhookEndpoint.storedEvents(endpoint.events)
        try await write(entity: "webhook endpoint") { q in
            let changed = try await q.changed(
                """
                UPDATE webhook_endpoints SET url = \(endpoint.url), events = \(events), secret_sealed = \(sealed),
                    description = \(endpoint.description), enabled = \(endpoint.enabled),
                    updated_at = \(endpoint.updatedAt.epochMilliseconds)
                WHERE id = \(endpoint.id) RETURNING id
                """)
            guard changed == 1 else { throw StoreError.notFound(entity: "webhook endpoint", id: endpoint.id) }
            try await Self.audit(
                AuditEvent(
                    at: endpoint.updatedAt, kind: .webhookChanged, actor: actor,
                    detail:
                        "changed webhook \(endpoint.id): \(endpoint.url), \(events), \(endpoint.enabled ? "enabled" : "disabled")"
                ), q)
        }
    }

    public func removeWebhookEndpoint(id: String, actor: String) async throws(StoreError) {
        try await write(entity: "webhook endpoint") { q in
            try await q.execute(
                """
                DELETE FROM webhook_attempts WHERE delivery_id IN
                    (SELECT id FROM webhook_deliveries WHERE endpoint_id = \(id))
                """)
            try await q.execute("DELETE FROM webhook_deliveries WHERE endpoint_id = \(id)")
            guard try await q.changed("DELETE FROM webhook_endpoints WHERE id = \(id) RETURNING id") == 1 else {
                throw StoreError.notFound(entity: "webhook endpoint", id: id)
            }
            try await Self.audit(
                AuditEvent(at: Date(), kind: .webhookChanged, actor: actor, detail: "removed webhook \(id)"), q)
        }
    }

    public func queueWebhookTest(endpointID: String, at: Date, actor: String) async throws(StoreError)
        -> WebhookDelivery
    {
        try await write(entity: "webhook endpoint") { q in
            guard
                try await q.scalar(
                    "SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = \(endpointID))", as: Bool.self) == true
            else { throw StoreError.notFound(entity: "webhook endpoint", id: endpointID) }
            let event = WebhookEvent(
                id: WebhookEvent.newID(), type: .test, createdAt: at,
                data: .init(actor: actor, detail: "a test event from hotspotpay; nothing was sold"))
            let sequence = try await Self.insert(event, transactionID: nil, q)
            let id = try await Self.insertDelivery(
                sequence: sequence, endpointID: endpointID, transactionID: nil, at: at, q)
            return try await Self.delivery(id: id, q)
        }
    }

    /// Claims due deliveries with a lease: `FOR UPDATE SKIP LOCKED` lets nodes claiming at the same
    /// moment take different rows instead of waiting for each other; the lease (`claimed_until`)
    /// keeps a claimed row from every other node until it runs out (a node killed mid-send).
    public func claimWebhookDeliveries(at: Date, limit: Int, leaseSeconds: Double) async throws(StoreError)
        -> [WebhookDispatch]
    {
        let cipher = self.cipher
        let now = at.epochMilliseconds
        let until = at.addingTimeInterval(leaseSeconds).epochMilliseconds
        return try await write(entity: "webhook delivery") { q in
            let ids = try await q.rows(
                """
                UPDATE webhook_deliveries SET claimed_until = \(until)
                WHERE id IN (
                    SELECT d.id FROM webhook_deliveries d
                    WHERE d.status = 'pending' AND d.next_attempt_at <= \(now)
                        AND (d.claimed_until IS NULL OR d.claimed_until <= \(now))
                        AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id AND e.enabled)
                        AND (d.transaction_id IS NULL OR NOT EXISTS (
                            SELECT 1 FROM webhook_deliveries earlier
                            WHERE earlier.status = 'pending' AND earlier.endpoint_id = d.endpoint_id
                                AND earlier.transaction_id = d.transaction_id AND earlier.id < d.id))
                    ORDER BY d.next_attempt_at, d.id LIMIT \(limit)
                    FOR UPDATE OF d SKIP LOCKED)
                RETURNING id
                """
            ).map { try $0["id"].decode(Int64.self) }.sorted()
            var dispatches: [WebhookDispatch] = []
            for id in ids {
                guard
                    let row = try await q.row(
                        """
                        SELECT e.id, e.url, e.secret_sealed, ev.body FROM webhook_deliveries d
                        JOIN webhook_endpoints e ON e.id = d.endpoint_id
                        JOIN webhook_events ev ON ev.sequence = d.event_sequence
                        WHERE d.id = \(id)
                        """)
                else { continue }
                let columns = PostgresColumns(row, entity: "webhook endpoint")
                guard let cipher else { throw StoreError.secretKeyRequired(entity: "webhook endpoint", id: columns.id) }
                dispatches.append(
                    WebhookDispatch(
                        delivery: try await Self.delivery(id: id, q), url: try columns.string("url"),
                        secret: Secret(
                            try cipher.open(
                                try columns.string("secret_sealed"), entity: "webhook endpoint", id: columns.id)),
                        body: try columns.string("body")))
            }
            return dispatches
        }
    }

    public func recordWebhookAttempt(_ attempt: WebhookAttempt, retryAt: Date?) async throws(StoreError)
        -> WebhookDelivery
    {
        try await write(entity: "webhook delivery") { q in
            try await q.execute(
                """
                INSERT INTO webhook_attempts (delivery_id, number, at, status_code, latency_ms, response_excerpt, error)
                VALUES (\(attempt.deliveryID), \(attempt.number), \(attempt.at.epochMilliseconds),
                    \(attempt.statusCode), \(attempt.latencyMilliseconds), \(attempt.responseExcerpt), \(attempt.error))
                """)
            let status: WebhookDelivery.Status = attempt.delivered ? .delivered : retryAt == nil ? .dead : .pending
            let changed = try await q.changed(
                """
                UPDATE webhook_deliveries SET status = \(status.rawValue), attempts = \(attempt.number),
                    next_attempt_at = \((retryAt ?? attempt.at).epochMilliseconds), claimed_until = NULL,
                    last_status_code = \(attempt.statusCode), last_error = \(attempt.error),
                    delivered_at = \(attempt.delivered ? attempt.at.epochMilliseconds : nil)
                WHERE id = \(attempt.deliveryID) AND status = 'pending' RETURNING id
                """)
            guard changed == 1 else {
                throw StoreError.notFound(entity: "pending webhook delivery", id: "\(attempt.deliveryID)")
            }
            return try await Self.delivery(id: attempt.deliveryID, q)
        }
    }

    public func retryWebhookDelivery(id: Int64, at: Date, actor: String) async throws(StoreError) -> WebhookDelivery {
        try await write(entity: "webhook delivery") { q in
            let changed = try await q.changed(
                """
                UPDATE webhook_deliveries SET status = 'pending', round_start = attempts,
                    next_attempt_at = \(at.epochMilliseconds), claimed_until = NULL
                WHERE id = \(id) AND status IN ('dead', 'pending') RETURNING id
                """)
            guard changed == 1 else {
                let exists = try await q.scalar(
                    "SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = \(id))", as: Bool.self)
                guard exists == true else { throw StoreError.notFound(entity: "webhook delivery", id: "\(id)") }
                throw StoreError.transition(
                    TransitionError(
                        entity: "webhook delivery", event: "retry", from: "delivered",
                        allowedFrom: ["dead", "pending"], kind: .forbidden))
            }
            let delivery = try await Self.delivery(id: id, q)
            try await Self.audit(
                AuditEvent(
                    at: at, kind: .webhookChanged, actor: actor, transactionID: delivery.transactionID,
                    detail: "sending \(delivery.eventType) \(delivery.eventID) to webhook \(delivery.endpointID) again"),
                q)
            return delivery
        }
    }

    public func webhookDeliveries(endpointID: String?, status: WebhookDelivery.Status?, limit: Int)
        async throws(StoreError) -> [WebhookDelivery]
    {
        try await read(entity: "webhook delivery") { q in
            try await q.rows(
                """
                SELECT d.*, ev.id AS event_id, ev.type AS event_type FROM webhook_deliveries d
                JOIN webhook_events ev ON ev.sequence = d.event_sequence
                WHERE (\(endpointID)::text IS NULL OR d.endpoint_id = \(endpointID))
                    AND (\(status?.rawValue)::text IS NULL OR d.status = \(status?.rawValue))
                ORDER BY d.id DESC LIMIT \(limit)
                """
            ).map(Self.delivery)
        }
    }

    public func webhookDelivery(id: Int64) async throws(StoreError) -> WebhookDelivery? {
        try await read(entity: "webhook delivery") { q in try? await Self.delivery(id: id, q) }
    }

    public func webhookAttempts(deliveryID: Int64) async throws(StoreError) -> [WebhookAttempt] {
        try await read(entity: "webhook delivery") { q in
            try await q.rows("SELECT * FROM webhook_attempts WHERE delivery_id = \(deliveryID) ORDER BY number").map {
                try StoredRows.webhookAttempt(PostgresColumns($0, entity: "webhook attempt", idColumn: "delivery_id"))
            }
        }
    }

    public func webhookEventBody(eventID: String) async throws(StoreError) -> String? {
        try await read(entity: "webhook event") { q in
            try await q.scalar("SELECT body FROM webhook_events WHERE id = \(eventID)", as: String.self)
        }
    }

    public func webhookDeliveryCounts() async throws(StoreError) -> [WebhookDelivery.Status: Int] {
        try await read(entity: "webhook delivery") { q in
            var counts: [WebhookDelivery.Status: Int] = [:]
            for row in try await q.rows("SELECT status, COUNT(*) AS n FROM webhook_deliveries GROUP BY status") {
                if let status = WebhookDelivery.Status(rawValue: try row["status"].decode(String.self)) {
                    counts[status] = Int(try row["n"].decode(Int64.self))
                }
            }
            return counts
        }
    }

    public func pruneWebhookDeliveries(deliveredBefore before: Date) async throws(StoreError) -> Int {
        try await write(entity: "webhook delivery") { q in
            let cutoff = before.epochMilliseconds
            try await q.execute(
                """
                DELETE FROM webhook_attempts WHERE delivery_id IN
                    (SELECT id FROM webhook_deliveries WHERE status = 'delivered' AND delivered_at < \(cutoff))
                """)
            let pruned = try await q.changed(
                "DELETE FROM webhook_deliveries WHERE status = 'delivered' AND delivered_at < \(cutoff) RETURNING id")
            try await q.execute(
                """
                DELETE FROM webhook_events WHERE created_at < \(cutoff)
                    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_sequence = webhook_events.sequence)
                """)
            return pruned
        }
    }

    static func insert(_ event: WebhookEvent, transactionID: String?, _ q: PostgresQueries) async throws -> Int64 {
        guard
            let sequence = try await q.scalar(
                """
                INSERT INTO webhook_events (id, type, transaction_id, body, created_at)
                VALUES (\(event.id), \(event.type.rawValue), \(transactionID), \(event.json),
                    \(event.createdAt.epochMilliseconds))
                RETURNING sequence
                """, as: Int64.self)
        else { throw StoreError.database(entity: "webhook event", reason: "no sequence returned") }
        return sequence
    }

    static func insertDelivery(
        sequence: Int64, endpointID: String, transactionID: String?, at: Date, _ q: PostgresQueries
    )
        async throws -> Int64
    {
        guard
            let id = try await q.scalar(
                """
                INSERT INTO webhook_deliveries (event_sequence, endpoint_id, transaction_id, status, attempts,
                    next_attempt_at, created_at)
                VALUES (\(sequence), \(endpointID), \(transactionID), 'pending', 0, \(at.epochMilliseconds),
                    \(at.epochMilliseconds))
                RETURNING id
                """, as: Int64.self)
        else { throw StoreError.database(entity: "webhook delivery", reason: "no id returned") }
        return id
    }

    static func delivery(id: Int64, _ q: PostgresQueries) async throws -> WebhookDelivery {
        guard
            let row = try await q.row(
                """
                SELECT d.*, ev.id AS event_id, ev.type AS event_type FROM webhook_deliveries d
                JOIN webhook_events ev ON ev.sequence = d.event_sequence WHERE d.id = \(id)
                """)
        else { throw StoreError.notFound(entity: "webhook delivery", id: "\(id)") }
        return try delivery(row)
    }

    static func delivery(_ row: PostgresRandomAccessRow) throws -> WebhookDelivery {
        try StoredRows.webhookDelivery(PostgresColumns(row, entity: "webhook delivery"))
    }
}
