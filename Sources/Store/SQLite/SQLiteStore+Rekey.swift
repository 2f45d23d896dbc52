import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore {
    /// Re-seals every secret in the database with `newKey`, in one write transaction: each value is
    /// opened with this store's keys and sealed again, and the transaction commits only when all
    /// of them did (a failure leaves every value as it was). Audited; returns how many values.
    public func resealSecrets(with newKey: SecretKey, actor: String) async throws(StoreError) -> Int {
        guard let cipher else { throw StoreError.secretKeyRequired(entity: "database", id: "secrets") }
        return try await write(entity: "secrets") { db in
            var count = 0
            let rows = try Row.fetchAll(db, sql: "SELECT id, secret_sealed, api_password_sealed FROM routers")
            for row in rows {
                let id: String = row["id"]
                let secret = try cipher.open(row["secret_sealed"], entity: "router", id: id)
                let resealed = try SecretCipher.seal(secret, with: newKey, entity: "router", id: id)
                var password: String?
                if let sealed: String = row["api_password_sealed"] {
                    password = try SecretCipher.seal(
                        try cipher.open(sealed, entity: "router", id: id), with: newKey, entity: "router", id: id)
                    count += 1
                }
                try db.execute(
                    sql: "UPDATE routers SET secret_sealed = ?, api_password_sealed = ? WHERE id = ?",
                    arguments: [resealed, password, id])
                count += 1
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
            for row in try Row.fetchAll(db, sql: "SELECT secret_sealed, api_password_sealed FROM routers") {
                for column in ["secret_sealed", "api_password_sealed"] {
                    guard let sealed: String = row[column] else { continue }
                    let parts = sealed.split(separator: ":", maxSplits: 2)
                    if parts.count == 3 { counts[String(parts[1]), default: 0] += 1 }
                }
            }
            return counts
        }
    }
}
