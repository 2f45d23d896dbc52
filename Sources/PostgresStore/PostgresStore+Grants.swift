import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: GrantStore {
    public func activeGrant(mac: MACAddress) async throws(StoreError) -> Grant? {
        try await read(entity: "grants") { q in try await Self.activeGrant(q, mac: mac) }
    }

    public func grant(id: String) async throws(StoreError) -> Grant? {
        try await read(entity: "grants") { q in try await Self.grant(q, id: id) }
    }

    public func grant(transactionID: String) async throws(StoreError) -> Grant? {
        try await read(entity: "grants") { q in
            guard
                let row = try await q.row(
                    """
                    SELECT g.* FROM grants g JOIN grant_transactions gt ON gt.grant_id = g.id
                    WHERE gt.transaction_id = \(transactionID)
                    """)
            else { return nil }
            return try await Self.grant(row, q)
        }
    }

    public func grantsPastEnd(at date: Date, limit: Int) async throws(StoreError) -> [Grant] {
        try await read(entity: "grants") { q in
            var grants: [Grant] = []
            for row in try await q.rows(Self.grantsPastEnd(date, limit: limit)) {
                grants.append(try await Self.grant(row, q))
            }
            return grants
        }
    }

    /// The sweeper's query (the query-plan test reads it from here).
    static func grantsPastEnd(_ date: Date, limit: Int) -> PostgresQuery {
        """
        SELECT * FROM grants WHERE status = 'active' AND valid_until <= \(date.epochMilliseconds)
        ORDER BY valid_until LIMIT \(limit)
        """
    }

    public func apply(_ event: GrantStatus.Event, toGrant id: String, at: Date, actor: String, detail: String)
        async throws(StoreError) -> Grant
    {
        try await write(entity: "grant") { q in
            guard let current = try await Self.grant(q, id: id) else {
                throw StoreError.notFound(entity: "grant", id: id)
            }
            let next: Grant
            do throws(TransitionError) { next = try current.applying(event, at: at) } catch {
                throw StoreError.transition(error)
            }
            let sources = GrantStatus.sources(for: event).map(\.rawValue)
            // Ending is only for time that is up: a purchase that extended the grant since the
            // sweeper read it wins (its row lock makes this update wait and re-check).
            let endsNoLaterThan: Int64? = event == .end ? at.epochMilliseconds : nil
            let changed = try await q.changed(
                """
                UPDATE grants SET status = \(next.status.rawValue), updated_at = \(at.epochMilliseconds)
                WHERE id = \(id) AND status = ANY(\(sources))
                    AND (\(endsNoLaterThan)::bigint IS NULL OR valid_until <= \(endsNoLaterThan))
                RETURNING id
                """)
            guard changed == 1 else {
                throw StoreError.transition(
                    TransitionError(
                        entity: "grant", event: event.rawValue, from: "changed concurrently", allowedFrom: sources,
                        kind: .forbidden))
            }
            let kind: AuditKind = event == .revoke ? .grantRevoked : event == .end ? .grantEnded : .grantExtended
            try await Self.audit(
                AuditEvent(
                    at: at, kind: kind, actor: actor, transactionID: next.transactionIDs.last,
                    detail: "grant \(id): \(detail)"), q)
            return next
        }
    }

    public func extendGrant(
        id: String, bySeconds seconds: Int64, dataBytes: Int64?, at: Date, actor: String, reason: String
    ) async throws(StoreError) -> Grant {
        try await write(entity: "grant") { q in
            guard var grant = try await Self.grant(q, id: id, lock: true) else {
                throw StoreError.notFound(entity: "grant", id: id)
            }
            do throws(TransitionError) {
                grant = try grant.extendedByOperator(seconds: seconds, dataBytes: dataBytes, at: at)
            } catch {
                throw StoreError.transition(error)
            }
            try await Self.updateGrantAfterExtension(grant, q)
            var detail = "grant \(id): +\(DurationText.format(seconds: seconds))"
            if let dataBytes { detail += ", +\(ByteCount.format(dataBytes))" }
            try await Self.audit(
                AuditEvent(
                    at: at, kind: .grantExtendedByOperator, actor: actor, transactionID: grant.transactionIDs.last,
                    detail: "\(detail): \(reason)"), q)
            return grant
        }
    }

    /// The device's active grant with its purchases, in one statement.
    static func activeGrant(_ q: PostgresQueries, mac: MACAddress) async throws -> Grant? {
        guard
            let row = try await q.row(
                """
                SELECT g.*, ARRAY(SELECT gt.transaction_id FROM grant_transactions gt
                    WHERE gt.grant_id = g.id ORDER BY gt.position) AS purchases
                FROM grants g WHERE g.mac = \(mac.description) AND g.status = 'active'
                """)
        else { return nil }
        return try StoredRows.grant(
            PostgresColumns(row, entity: "grant"), transactionIDs: try row["purchases"].decode([String].self))
    }

    static func grant(_ q: PostgresQueries, id: String, lock: Bool = false) async throws -> Grant? {
        let row =
            lock
            ? try await q.row("SELECT * FROM grants WHERE id = \(id) FOR UPDATE")
            : try await q.row("SELECT * FROM grants WHERE id = \(id)")
        guard let row else { return nil }
        return try await grant(row, q)
    }

    static func grant(_ row: PostgresRandomAccessRow, _ q: PostgresQueries) async throws -> Grant {
        let id = try row["id"].decode(String.self)
        let transactionIDs = try await q.rows(
            "SELECT transaction_id FROM grant_transactions WHERE grant_id = \(id) ORDER BY position"
        ).map { try $0["transaction_id"].decode(String.self) }
        return try StoredRows.grant(PostgresColumns(row, entity: "grant"), transactionIDs: transactionIDs)
    }

    static func insert(_ grant: Grant, _ q: PostgresQueries) async throws {
        try await q.execute(
            """
            INSERT INTO grants (id, mac, status, starts_at, valid_until, download_bps, upload_bps, data_remaining_bytes,
                created_at, updated_at)
            VALUES (\(grant.id), \(grant.mac.description), \(grant.status.rawValue), \(grant.startsAt.epochMilliseconds),
                \(grant.validUntil.epochMilliseconds), \(grant.rateLimit?.downloadBitsPerSecond),
                \(grant.rateLimit?.uploadBitsPerSecond), \(grant.dataRemainingBytes),
                \(grant.createdAt.epochMilliseconds), \(grant.updatedAt.epochMilliseconds))
            """)
    }

    /// Starts `grant` and records the purchase that paid for it, in one round trip.
    static func insert(_ grant: Grant, paidBy transactionID: String, _ q: PostgresQueries) async throws {
        try await q.execute(
            """
            WITH started AS (
                INSERT INTO grants (id, mac, status, starts_at, valid_until, download_bps, upload_bps,
                    data_remaining_bytes, created_at, updated_at)
                VALUES (\(grant.id), \(grant.mac.description), \(grant.status.rawValue),
                    \(grant.startsAt.epochMilliseconds), \(grant.validUntil.epochMilliseconds),
                    \(grant.rateLimit?.downloadBitsPerSecond), \(grant.rateLimit?.uploadBitsPerSecond),
                    \(grant.dataRemainingBytes), \(grant.createdAt.epochMilliseconds), \(grant.updatedAt.epochMilliseconds))
                RETURNING id)
            INSERT INTO grant_transactions (grant_id, transaction_id, position)
            SELECT id, \(transactionID), \(grant.transactionIDs.count) FROM started
            """)
    }

    /// Writes the extended `grant` and records the purchase that extended it, in one round trip;
    /// throws when the grant is no longer active.
    static func updateGrantAfterExtension(_ grant: Grant, paidBy transactionID: String, _ q: PostgresQueries)
        async throws
    {
        let changed = try await q.changed(
            """
            WITH extended AS (
                UPDATE grants SET valid_until = \(grant.validUntil.epochMilliseconds),
                    download_bps = \(grant.rateLimit?.downloadBitsPerSecond),
                    upload_bps = \(grant.rateLimit?.uploadBitsPerSecond),
                    data_remaining_bytes = \(grant.dataRemainingBytes), updated_at = \(grant.updatedAt.epochMilliseconds)
                WHERE id = \(grant.id) AND status = 'active' RETURNING id)
            INSERT INTO grant_transactions (grant_id, transaction_id, position)
            SELECT id, \(transactionID), \(grant.transactionIDs.count) FROM extended RETURNING grant_id
            """)
        guard changed == 1 else { throw StoreError.notFound(entity: "active grant", id: grant.id) }
    }

    static func updateGrantAfterExtension(_ grant: Grant, _ q: PostgresQueries) async throws {
        let changed = try await q.changed(
            """
            UPDATE grants SET valid_until = \(grant.validUntil.epochMilliseconds),
                download_bps = \(grant.rateLimit?.downloadBitsPerSecond),
                upload_bps = \(grant.rateLimit?.uploadBitsPerSecond), data_remaining_bytes = \(grant.dataRemainingBytes),
                updated_at = \(grant.updatedAt.epochMilliseconds)
            WHERE id = \(grant.id) AND status = 'active' RETURNING id
            """)
        guard changed == 1 else { throw StoreError.notFound(entity: "active grant", id: grant.id) }
    }
}
