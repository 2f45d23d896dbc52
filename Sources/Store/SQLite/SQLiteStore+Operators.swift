import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: OperatorStore {
    public func addOperator(_ person: Operator, passwordHash: String, actor: String) async throws(StoreError) {
        try await write(entity: "operator") { db in
            if try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM operators WHERE username = ?)", arguments: [person.username])
                ?? false
            {
                throw StoreError.duplicate(entity: "operator", field: "username", value: person.username)
            }
            try db.execute(
                sql: """
                    INSERT INTO operators (id, username, display_name, password_hash, disabled, created_at, updated_at, role)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    person.id, person.username, person.displayName, passwordHash, person.isDisabled,
                    person.createdAt.epochMilliseconds, person.createdAt.epochMilliseconds, person.role.rawValue,
                ])
            try Self.audit(
                AuditEvent(
                    at: person.createdAt, kind: .operatorChanged, actor: actor,
                    detail: "added operator \(person.username) as \(person.role.rawValue)"), db: db)
        }
    }

    public func operators() async throws(StoreError) -> [Operator] {
        try await read(entity: "operators") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM operators ORDER BY username").map(Self.operatorRow)
        }
    }

    public func operatorAccount(username: String) async throws(StoreError) -> OperatorAccount? {
        try await read(entity: "operators") { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM operators WHERE username = ?"), arguments: [username]
            ).map(Self.account)
        }
    }

    public func operatorAccount(id: String) async throws(StoreError) -> OperatorAccount? {
        try await read(entity: "operators") { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM operators WHERE id = ?"), arguments: [id]).map(
                Self.account)
        }
    }

    public func setPasswordHash(operatorID: String, passwordHash: String, actor: String) async throws(StoreError) {
        try await write(entity: "operator") { db in
            let username = try Self.requireOperator(db, id: operatorID)
            try db.execute(
                sql: "UPDATE operators SET password_hash = ?, updated_at = ? WHERE id = ?",
                arguments: [passwordHash, Date().epochMilliseconds, operatorID])
            try db.execute(sql: "DELETE FROM login_sessions WHERE operator_id = ?", arguments: [operatorID])
            try Self.audit(
                AuditEvent(
                    at: Date(), kind: .operatorChanged, actor: actor,
                    detail: "changed the password of \(username); signed out everywhere"), db: db)
        }
    }

    public func setDisabled(operatorID: String, _ disabled: Bool, actor: String) async throws(StoreError) {
        try await write(entity: "operator") { db in
            let username = try Self.requireOperator(db, id: operatorID)
            if disabled {
                let others =
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM operators WHERE disabled = 0 AND id != ?",
                        arguments: [operatorID])
                    ?? 0
                guard others > 0 else {
                    throw StoreError.lastOperator(username: username)
                }
                let owners =
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM operators WHERE disabled = 0 AND role = 'owner' AND id != ?",
                        arguments: [operatorID]) ?? 0
                let isOwner =
                    try String.fetchOne(db, sql: "SELECT role FROM operators WHERE id = ?", arguments: [operatorID])
                    == StaffRole.owner.rawValue
                guard owners > 0 || !isOwner else { throw StoreError.lastOwner(username: username) }
            }
            try db.execute(
                sql: "UPDATE operators SET disabled = ?, updated_at = ? WHERE id = ?",
                arguments: [disabled, Date().epochMilliseconds, operatorID])
            if disabled {
                try db.execute(sql: "DELETE FROM login_sessions WHERE operator_id = ?", arguments: [operatorID])
            }
            try Self.audit(
                AuditEvent(
                    at: Date(), kind: .operatorChanged, actor: actor,
                    detail: "\(disabled ? "disabled" : "enabled") operator \(username)"), db: db)
        }
    }

    public func setRole(operatorID: String, _ role: StaffRole, actor: String) async throws(StoreError) {
        try await write(entity: "operator") { db in
            let username = try Self.requireOperator(db, id: operatorID)
            if role != .owner {
                // Someone must still be able to manage staff.
                let owners =
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM operators WHERE disabled = 0 AND role = 'owner' AND id != ?",
                        arguments: [operatorID]) ?? 0
                guard owners > 0 else { throw StoreError.lastOwner(username: username) }
            }
            try db.execute(
                sql: "UPDATE operators SET role = ?, updated_at = ? WHERE id = ?",
                arguments: [role.rawValue, Date().epochMilliseconds, operatorID])
            try Self.audit(
                AuditEvent(
                    at: Date(), kind: .operatorChanged, actor: actor, detail: "made \(username) \(role.rawValue)"),
                db: db)
        }
    }

    public func addOperatorSession(_ session: OperatorSession) async throws(StoreError) {
        try await write(entity: "login session") { db in
            try db.execute(
                sql: """
                    INSERT INTO login_sessions (token_hash, operator_id, csrf_token, address, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    session.tokenHash, session.operatorID, session.csrfToken, session.address,
                    session.createdAt.epochMilliseconds, session.expiresAt.epochMilliseconds,
                ])
            let username =
                try String.fetchOne(
                    db, sql: "SELECT username FROM operators WHERE id = ?", arguments: [session.operatorID]) ?? "?"
            try Self.audit(
                AuditEvent(
                    at: session.createdAt, kind: .operatorLoggedIn, actor: "operator:\(username)",
                    detail: "signed in from \(session.address)"), db: db)
        }
    }

    public func loginSession(tokenHash: String, at: Date) async throws(StoreError) -> (OperatorSession, Operator)? {
        try await read(entity: "operators") { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT s.token_hash, s.operator_id, s.csrf_token, s.address, s.created_at AS session_created,
                                s.expires_at, o.*
                            FROM login_sessions s JOIN operators o ON o.id = s.operator_id
                            WHERE s.token_hash = ? AND s.expires_at > ? AND o.disabled = 0
                            """), arguments: [tokenHash, at.epochMilliseconds])
            else { return nil }
            let session = try StoredRows.operatorSession(
                RowReader(row, entity: "login session", idColumn: "operator_id"))
            return (session, try Self.operatorRow(row))
        }
    }

    public func removeOperatorSession(tokenHash: String) async throws(StoreError) {
        try await write(entity: "login session") { db in
            try db.execute(sql: "DELETE FROM login_sessions WHERE token_hash = ?", arguments: [tokenHash])
        }
    }

    public func removeExpiredOperatorSessions(at: Date) async throws(StoreError) -> Int {
        try await write(entity: "login session") { db in
            try db.execute(sql: "DELETE FROM login_sessions WHERE expires_at <= ?", arguments: [at.epochMilliseconds])
            return db.changesCount
        }
    }

    public func addAPIToken(_ token: APIToken, tokenHash: String, actor: String) async throws(StoreError) {
        try await write(entity: "API token") { db in
            try db.execute(
                sql: """
                    INSERT INTO api_tokens (id, operator_id, name, prefix, token_hash, created_at, revoked_at)
                    VALUES (?, ?, ?, ?, ?, ?, NULL)
                    """,
                arguments: [
                    token.id, token.operatorID, token.name, token.prefix, tokenHash, token.createdAt.epochMilliseconds,
                ])
            try Self.audit(
                AuditEvent(
                    at: token.createdAt, kind: .apiTokenChanged, actor: actor,
                    detail: "created API token \(token.prefix)… (\(token.name))"), db: db)
        }
    }

    public func apiToken(tokenHash: String) async throws(StoreError) -> (APIToken, Operator)? {
        try await read(entity: "operators") { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT t.id AS token_id, t.operator_id, t.name, t.prefix, t.created_at AS token_created,
                                t.revoked_at, o.*
                            FROM api_tokens t JOIN operators o ON o.id = t.operator_id
                            WHERE t.token_hash = ? AND t.revoked_at IS NULL AND o.disabled = 0
                            """), arguments: [tokenHash])
            else { return nil }
            return (
                try Self.apiTokenRow(row, idColumn: "token_id", createdColumn: "token_created"),
                try Self.operatorRow(row)
            )
        }
    }

    public func apiTokens() async throws(StoreError) -> [APIToken] {
        try await read(entity: "operators") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_tokens ORDER BY created_at DESC").map {
                try Self.apiTokenRow($0, idColumn: "id", createdColumn: "created_at")
            }
        }
    }

    public func revokeAPIToken(id: String, at: Date, actor: String) async throws(StoreError) {
        try await write(entity: "API token") { db in
            try db.execute(
                sql: "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [at.epochMilliseconds, id])
            guard db.changesCount == 1 else { throw StoreError.notFound(entity: "API token", id: id) }
            let prefix = try String.fetchOne(db, sql: "SELECT prefix FROM api_tokens WHERE id = ?", arguments: [id])
            try Self.audit(
                AuditEvent(at: at, kind: .apiTokenChanged, actor: actor, detail: "revoked API token \(prefix ?? id)…"),
                db: db)
        }
    }

    private static func requireOperator(_ db: Database, id: String) throws -> String {
        guard
            let username = try String.fetchOne(db, sql: "SELECT username FROM operators WHERE id = ?", arguments: [id])
        else { throw StoreError.notFound(entity: "operator", id: id) }
        return username
    }

    static func operatorRow(_ row: Row) throws -> Operator {
        try StoredRows.staff(RowReader(row, entity: "operator"))
    }

    static func account(_ row: Row) throws -> OperatorAccount {
        OperatorAccount(
            person: try operatorRow(row),
            passwordHash: try RowReader(row, entity: "operator").value("password_hash"))
    }

    static func apiTokenRow(_ row: Row, idColumn: String, createdColumn: String) throws -> APIToken {
        try StoredRows.apiToken(
            RowReader(row, entity: "API token", idColumn: idColumn), idColumn: idColumn, createdColumn: createdColumn)
    }
}
