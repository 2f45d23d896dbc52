import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: OperatorStore {
    /// Staff changes that check "someone is left" (the last operator, the last owner) take one
    /// lock for the staff list: two nodes disabling the last two owners at once take turns, and
    /// the second is refused.
    static func lockStaff(_ q: PostgresQueries) async throws {
        try await q.execute("SELECT pg_advisory_xact_lock(\(PostgresSchema.lockKey + 1))")
    }

    public func addOperator(_ person: Operator, passwordHash: String, actor: String) async throws(StoreError) {
        try await write(entity: "operator") { q in
            let inserted = try await q.changed(
                """
                INSERT INTO operators (id, username, display_name, password_hash, disabled, created_at, updated_at, role)
                VALUES (\(person.id), \(person.username), \(person.displayName), \(passwordHash), \(person.isDisabled),
                    \(person.createdAt.epochMilliseconds), \(person.createdAt.epochMilliseconds), \(person.role.rawValue))
                ON CONFLICT (username) DO NOTHING RETURNING id
                """)
            guard inserted == 1 else {
                throw StoreError.duplicate(entity: "operator", field: "username", value: person.username)
            }
            try await Self.audit(
                AuditEvent(
                    at: person.createdAt, kind: .operatorChanged, actor: actor,
                    detail: "added operator \(person.username) as \(person.role.rawValue)"), q)
        }
    }

    public func operators() async throws(StoreError) -> [Operator] {
        try await read(entity: "operators") { q in
            try await q.rows("SELECT * FROM operators ORDER BY username").map(Self.staff)
        }
    }

    public func operatorAccount(username: String) async throws(StoreError) -> OperatorAccount? {
        try await read(entity: "operators") { q in
            try await q.row("SELECT * FROM operators WHERE username = \(username)").map(Self.account)
        }
    }

    public func operatorAccount(id: String) async throws(StoreError) -> OperatorAccount? {
        try await read(entity: "operators") { q in
            try await q.row("SELECT * FROM operators WHERE id = \(id)").map(Self.account)
        }
    }

    public func setPasswordHash(operatorID: String, passwordHash: String, actor: String) async throws(StoreError) {
        try await write(entity: "operator") { q in
            let username = try await Self.requireOperator(q, id: operatorID)
            try await q.execute(
                """
                UPDATE operators SET password_hash = \(passwordHash), updated_at = \(Date().epochMilliseconds)
                WHERE id = \(operatorID)
                """)
            try await q.execute("DELETE FROM login_sessions WHERE operator_id = \(operatorID)")
            try await Self.audit(
                AuditEvent(
                    at: Date(), kind: .operatorChanged, actor: actor,
                    detail: "changed the password of \(username); signed out everywhere"), q)
        }
    }

    public func setDisabled(operatorID: String, _ disabled: Bool, actor: String) async throws(StoreError) {
        try await write(entity: "operator") { q in
            try await Self.lockStaff(q)
            let username = try await Self.requireOperator(q, id: operatorID)
            if disabled {
                let others =
                    try await q.scalar(
                        "SELECT COUNT(*) FROM operators WHERE NOT disabled AND id <> \(operatorID)", as: Int64.self)
                    ?? 0
                guard others > 0 else { throw StoreError.lastOperator(username: username) }
                let owners = try await Self.otherOwners(q, besides: operatorID)
                let isOwner =
                    try await q.scalar("SELECT role FROM operators WHERE id = \(operatorID)", as: String.self)
                    == StaffRole.owner.rawValue
                guard owners > 0 || !isOwner else { throw StoreError.lastOwner(username: username) }
            }
            try await q.execute(
                """
                UPDATE operators SET disabled = \(disabled), updated_at = \(Date().epochMilliseconds)
                WHERE id = \(operatorID)
                """)
            if disabled { try await q.execute("DELETE FROM login_sessions WHERE operator_id = \(operatorID)") }
            try await Self.audit(
                AuditEvent(
                    at: Date(), kind: .operatorChanged, actor: actor,
                    detail: "\(disabled ? "disabled" : "enabled") operator \(username)"), q)
        }
    }

    public func setRole(operatorID: String, _ role: StaffRole, actor: String) async throws(StoreError) {
        try await write(entity: "operator") { q in
            try await Self.lockStaff(q)
            let username = try await Self.requireOperator(q, id: operatorID)
            // Someone must still be able to manage staff.
            if role != .owner, try await Self.otherOwners(q, besides: operatorID) == 0 {
                throw StoreError.lastOwner(username: username)
            }
            try await q.execute(
                """
                UPDATE operators SET role = \(role.rawValue), updated_at = \(Date().epochMilliseconds)
                WHERE id = \(operatorID)
                """)
            try await Self.audit(
                AuditEvent(
                    at: Date(), kind: .operatorChanged, actor: actor, detail: "made \(username) \(role.rawValue)"), q)
        }
    }

    public func addOperatorSession(_ session: OperatorSession) async throws(StoreError) {
        try await write(entity: "login session") { q in
            try await q.execute(
                """
                INSERT INTO login_sessions (token_hash, operator_id, csrf_token, address, created_at, expires_at)
                VALUES (\(session.tokenHash), \(session.operatorID), \(session.csrfToken), \(session.address),
                    \(session.createdAt.epochMilliseconds), \(session.expiresAt.epochMilliseconds))
                """)
            let username =
                try await q.scalar("SELECT username FROM operators WHERE id = \(session.operatorID)", as: String.self)
                ?? "?"
            try await Self.audit(
                AuditEvent(
                    at: session.createdAt, kind: .operatorLoggedIn, actor: "operator:\(username)",
                    detail: "signed in from \(session.address)"), q)
        }
    }

    /// Sessions live in the database, so a login on one node is valid on every node.
    public func loginSession(tokenHash: String, at: Date) async throws(StoreError) -> (OperatorSession, Operator)? {
        try await read(entity: "operators") { q in
            guard
                let row = try await q.row(
                    """
                    SELECT s.token_hash, s.operator_id, s.csrf_token, s.address, s.created_at AS session_created,
                        s.expires_at, o.*
                    FROM login_sessions s JOIN operators o ON o.id = s.operator_id
                    WHERE s.token_hash = \(tokenHash) AND s.expires_at > \(at.epochMilliseconds) AND NOT o.disabled
                    """)
            else { return nil }
            let session = try StoredRows.operatorSession(
                PostgresColumns(row, entity: "login session", idColumn: "operator_id"))
            return (session, try Self.staff(row))
        }
    }

    public func removeOperatorSession(tokenHash: String) async throws(StoreError) {
        try await write(entity: "login session") { q in
            try await q.execute("DELETE FROM login_sessions WHERE token_hash = \(tokenHash)")
        }
    }

    public func removeExpiredOperatorSessions(at: Date) async throws(StoreError) -> Int {
        try await write(entity: "login session") { q in
            try await q.changed(
                "DELETE FROM login_sessions WHERE expires_at <= \(at.epochMilliseconds) RETURNING token_hash")
        }
    }

    public func addAPIToken(_ token: APIToken, tokenHash: String, actor: String) async throws(StoreError) {
        try await write(entity: "API token") { q in
            try await q.execute(
                """
                INSERT INTO api_tokens (id, operator_id, name, prefix, token_hash, created_at, revoked_at)
                VALUES (\(token.id), \(token.operatorID), \(token.name), \(token.prefix), \(tokenHash),
                    \(token.createdAt.epochMilliseconds), NULL)
                """)
            try await Self.audit(
                AuditEvent(
                    at: token.createdAt, kind: .apiTokenChanged, actor: actor,
                    detail: "created API token \(token.prefix)… (\(token.name))"), q)
        }
    }

    public func apiToken(tokenHash: String) async throws(StoreError) -> (APIToken, Operator)? {
        try await read(entity: "operators") { q in
            guard
                let row = try await q.row(
                    """
                    SELECT t.id AS token_id, t.operator_id, t.name, t.prefix, t.created_at AS token_created,
                        t.revoked_at, o.*
                    FROM api_tokens t JOIN operators o ON o.id = t.operator_id
                    WHERE t.token_hash = \(tokenHash) AND t.revoked_at IS NULL AND NOT o.disabled
                    """)
            else { return nil }
            return (
                try StoredRows.apiToken(
                    PostgresColumns(row, entity: "API token", idColumn: "token_id"), idColumn: "token_id",
                    createdColumn: "token_created"),
                try Self.staff(row)
            )
        }
    }

    public func apiTokens() async throws(StoreError) -> [APIToken] {
        try await read(entity: "operators") { q in
            try await q.rows("SELECT * FROM api_tokens ORDER BY created_at DESC").map {
                try StoredRows.apiToken(PostgresColumns($0, entity: "API token"))
            }
        }
    }

    public func revokeAPIToken(id: String, at: Date, actor: String) async throws(StoreError) {
        try await write(entity: "API token") { q in
            guard
                let prefix = try await q.scalar(
                    """
                    UPDATE api_tokens SET revoked_at = \(at.epochMilliseconds) WHERE id = \(id) AND revoked_at IS NULL
                    RETURNING prefix
                    """, as: String.self)
            else { throw StoreError.notFound(entity: "API token", id: id) }
            try await Self.audit(
                AuditEvent(at: at, kind: .apiTokenChanged, actor: actor, detail: "revoked API token \(prefix)…"), q)
        }
    }

    private static func requireOperator(_ q: PostgresQueries, id: String) async throws -> String {
        guard let username = try await q.scalar("SELECT username FROM operators WHERE id = \(id)", as: String.self)
        else { throw StoreError.notFound(entity: "operator", id: id) }
        return username
    }

    private static func otherOwners(_ q: PostgresQueries, besides id: String) async throws -> Int64 {
        try await q.scalar(
            "SELECT COUNT(*) FROM operators WHERE NOT disabled AND role = 'owner' AND id <> \(id)", as: Int64.self) ?? 0
    }

    static func staff(_ row: PostgresRandomAccessRow) throws -> Operator {
        try StoredRows.staff(PostgresColumns(row, entity: "operator"))
    }

    static func account(_ row: PostgresRandomAccessRow) throws -> OperatorAccount {
        OperatorAccount(
            person: try staff(row), passwordHash: try PostgresColumns(row, entity: "operator").string("password_hash"))
    }
}
