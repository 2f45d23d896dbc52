import Foundation
import GRDB
import HotspotPayCore

/// A column holding sealed values (`v1:<key id>:<sealed>`), and how its rows are named in errors.
public struct SealedColumn: Sendable {
    public var table: String
    /// An SQL expression naming the row for operators (unique in its table, on both backends).
    public var name: String
    public var column: String
    public var entity: String

    /// Every sealed column in the database: checking the key, rotating it and counting by key id
    /// all walk this one list, so a new secret is rotated the day it is stored.
    public static let all = [
        SealedColumn(table: "routers", name: "id", column: "secret_sealed", entity: "router"),
        SealedColumn(table: "routers", name: "id", column: "api_password_sealed", entity: "router"),
        SealedColumn(table: "webhook_endpoints", name: "id", column: "secret_sealed", entity: "webhook endpoint"),
        SealedColumn(
            table: "provider_credentials", name: "provider || '.' || field", column: "value_sealed",
            entity: "provider credential"),
    ]

    /// (rowid, name, sealed value) of every row with a value.
    func values(_ db: Database) throws -> [(rowID: Int64, name: String, sealed: String)] {
        try Row.fetchAll(
            db, sql: "SELECT rowid AS r, \(name) AS n, \(column) AS v FROM \(table) WHERE \(column) IS NOT NULL"
        ).map { ($0["r"], $0["n"], $0["v"]) }
    }
}

extension SQLiteStore {
    /// Fails with an operator-readable error unless every sealed secret opens with the given key.
    public func checkSecretKey() async throws {
        let values = try await pool.read { db in
            try SealedColumn.all.flatMap { column in
                try column.values(db).map { (entity: column.entity, name: $0.name, sealed: $0.sealed) }
            }
        }
        guard !values.isEmpty else { return }
        guard let cipher else { throw StoreError.secretKeyMissing(encryptedSecrets: values.count) }
        for value in values {
            _ = try cipher.open(value.sealed, entity: value.entity, id: value.name)
        }
    }

    /// Re-seals every secret in the database with `newKey`, in one write transaction: each value is
    /// opened with this store's keys and sealed again, and the transaction commits only when all
    /// of them did (a failure leaves every value as it was). Audited; returns how many values.
    public func resealSecrets(with newKey: SecretKey, actor: String) async throws(StoreError) -> Int {
        guard let cipher else { throw StoreError.secretKeyRequired(entity: "database", id: "secrets") }
        return try await write(entity: "secrets") { db in
            var count = 0
            for column in SealedColumn.all {
                for value in try column.values(db) {
                    let plain = try cipher.open(value.sealed, entity: column.entity, id: value.name)
                    let resealed = try SecretCipher.seal(plain, with: newKey, entity: column.entity, id: value.name)
                    try db.execute(
                        sql: "UPDATE \(column.table) SET \(column.column) = ? WHERE rowid = ?",
                        arguments: [resealed, value.rowID])
                    count += 1
                }
            }
            try Self.audit(
                AuditEvent(
                    at: Date(), kind: .secretsResealed, actor: actor,
                    detail: "re-sealed \(count) secrets from key \(cipher.key.id) to key \(newKey.id)"), db: db)
            return count
        }
    }

    /// How many sealed values name each key id (what a rotation has left to do).
    public func sealedKeyIDs() async throws(StoreError) -> [String: Int] {
        try await read(entity: "secrets") { db in
            var counts: [String: Int] = [:]
            for column in SealedColumn.all {
                for value in try column.values(db) {
                    let parts = value.sealed.split(separator: ":", maxSplits: 2)
                    if parts.count == 3 { counts[String(parts[1]), default: 0] += 1 }
                }
            }
            return counts
        }
    }
}
