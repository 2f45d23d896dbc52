import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: GrantStore {
    public func activeGrant(mac: MACAddress) async throws(StoreError) -> Grant? {
        try readNow(consistent: true) { db in try Self.activeGrant(db, mac: mac) }
    }

    public func grant(id: String) async throws(StoreError) -> Grant? {
        try await read(entity: "grants") { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM grants WHERE id = ?"), arguments: [id]).map {
                try Self.grant($0, db: db)
            }
        }
    }

    static func loginSecrets(_ db: Database, grantID: String) throws -> [LoginSecret] {
        let texts = try String.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT t.login_secret FROM grant_transactions g JOIN transactions t ON t.id = g.transaction_id
                    WHERE g.grant_id = ? AND t.login_secret IS NOT NULL ORDER BY g.position
                    """),
            arguments: [grantID])
        return try texts.map { text in
            do throws(LoginSecret.ParseError) { return try LoginSecret(text) } catch {
                throw StoreError.corruptRow(
                    entity: "grant", id: grantID, field: "login_secret", problem: error.description)
            }
        }
    }

    /// The sweeper's query; kept here so the index test explains exactly what runs.
    public static let grantsPastEndSQL =
        "SELECT * FROM grants WHERE status = 'active' AND valid_until <= ? ORDER BY valid_until LIMIT ?"

    public func grantsPastEnd(at date: Date, limit: Int) async throws(StoreError) -> [Grant] {
        try await read(entity: "grants") { db in
            try Row.fetchAll(db, sql: Self.grantsPastEndSQL, arguments: [date.epochMilliseconds, limit]).map {
                try Self.grant($0, db: db)
            }
        }
    }

    public func apply(_ event: GrantStatus.Event, toGrant id: String, at: Date, actor: String, detail: String)
        async throws(StoreError)
        -> Grant
    {
        try await write(entity: "grant") { db in
            guard
                let current = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM grants WHERE id = ?"), arguments: [id]
                ).map({
                    try Self.grant($0, db: db)
                })
            else { throw StoreError.notFound(entity: "grant", id: id) }
            let next: Grant
            do throws(TransitionError) { next = try current.applying(event, at: at) } catch {
                throw StoreError.transition(error)
            }
            let sources = GrantStatus.sources(for: event).map(\.rawValue)
            var arguments: StatementArguments = [next.status.rawValue, at.epochMilliseconds, id]
            _ = arguments.append(contentsOf: StatementArguments(sources))
            // Ending is only for time that is up: a purchase that extended the grant since the
            // sweeper read it wins.
            var timeIsUp = ""
            if event == .end {
                timeIsUp = " AND valid_until <= ?"
                _ = arguments.append(contentsOf: [at.epochMilliseconds])
            }
            try db.execute(
                sql:
                    "UPDATE grants SET status = ?, updated_at = ? WHERE id = ? AND status IN (\(sources.map { _ in "?" }.joined(separator: ", ")))\(timeIsUp)",
                arguments: arguments)
            guard db.changesCount == 1 else {
                throw StoreError.transition(
                    TransitionError(
                        entity: "grant", event: event.rawValue, from: "changed concurrently", allowedFrom: sources,
                        kind: .forbidden))
            }
            let kind: AuditKind = event == .revoke ? .grantRevoked : event == .end ? .grantEnded : .grantExtended
            try Self.audit(
                AuditEvent(
                    at: at, kind: kind, actor: actor, transactionID: next.transactionIDs.last,
                    detail: "grant \(id): \(detail)"),
                db: db)
            return next
        }
    }

    static func activeGrant(_ db: Database, mac: MACAddress) throws -> Grant? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM grants WHERE mac = ? AND status = 'active'"),
            arguments: [mac.description]
        )
        .map { try grant($0, db: db) }
    }

    static func insert(_ grant: Grant, db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO grants (id, mac, status, starts_at, valid_until, download_bps, upload_bps, data_remaining_bytes,
                    created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                grant.id, grant.mac.description, grant.status.rawValue, grant.startsAt.epochMilliseconds,
                grant.validUntil.epochMilliseconds, grant.rateLimit?.downloadBitsPerSecond,
                grant.rateLimit?.uploadBitsPerSecond, grant.dataRemainingBytes, grant.createdAt.epochMilliseconds,
                grant.updatedAt.epochMilliseconds,
            ])
    }

    static func updateGrantAfterExtension(_ grant: Grant, db: Database) throws {
        try db.cachedStatement(
            sql: """
                UPDATE grants SET valid_until = ?, download_bps = ?, upload_bps = ?, data_remaining_bytes = ?, updated_at = ?
                WHERE id = ? AND status = 'active'
                """
        ).execute(
            arguments: [
                grant.validUntil.epochMilliseconds, grant.rateLimit?.downloadBitsPerSecond,
                grant.rateLimit?.uploadBitsPerSecond, grant.dataRemainingBytes, grant.updatedAt.epochMilliseconds,
                grant.id,
            ])
        guard db.changesCount == 1 else { throw StoreError.notFound(entity: "active grant", id: grant.id) }
    }

    static func grant(_ row: Row, db: Database) throws -> Grant {
        let transactionIDs = try String.fetchAll(
            db.cachedStatement(
                sql: "SELECT transaction_id FROM grant_transactions WHERE grant_id = ? ORDER BY position"),
            arguments: [row["id"] as String? ?? ""])
        return try grant(row, transactionIDs: transactionIDs)
    }

    static func grant(_ row: Row, transactionIDs: [String]) throws -> Grant {
        try StoredRows.grant(RowReader(row, entity: "grant"), transactionIDs: transactionIDs)
    }
}

extension SQLiteStore {
    public func grant(transactionID: String) async throws(StoreError) -> Grant? {
        try await read(entity: "grants") { db in
            try Row.fetchOne(
                db,
                sql:
                    "SELECT g.* FROM grants g JOIN grant_transactions gt ON gt.grant_id = g.id WHERE gt.transaction_id = ?",
                arguments: [transactionID]
            ).map { try Self.grant($0, db: db) }
        }
    }

    public func extendGrant(
        id: String, bySeconds seconds: Int64, dataBytes: Int64?, at: Date, actor: String, reason: String
    ) async throws(StoreError) -> Grant {
        try await write(entity: "grant") { db in
            guard
                var grant = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM grants WHERE id = ?"), arguments: [id]
                ).map({ try Self.grant($0, db: db) })
            else { throw StoreError.notFound(entity: "grant", id: id) }
            do throws(TransitionError) {
                grant = try grant.extendedByOperator(seconds: seconds, dataBytes: dataBytes, at: at)
            } catch {
                throw StoreError.transition(error)
            }
            try Self.updateGrantAfterExtension(grant, db: db)
            var detail = "grant \(id): +\(DurationText.format(seconds: seconds))"
            if let dataBytes { detail += ", +\(ByteCount.format(dataBytes))" }
            try Self.audit(
                AuditEvent(
                    at: at, kind: .grantExtendedByOperator, actor: actor, transactionID: grant.transactionIDs.last,
                    detail: "\(detail): \(reason)"), db: db)
            return grant
        }
    }
}
