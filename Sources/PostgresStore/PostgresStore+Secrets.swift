import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore {
    /// Fails with an operator-readable error unless every sealed secret opens with the given key
    /// (the same columns as on SQLite, ``SealedColumn/all``).
    public func checkSecretKey() async throws(StoreError) {
        let values = try await sealedValues()
        guard !values.isEmpty else { return }
        guard let cipher else { throw StoreError.secretKeyMissing(encryptedSecrets: values.count) }
        for value in values { _ = try cipher.open(value.sealed, entity: value.column.entity, id: value.name) }
    }

    /// Re-seals every secret with `newKey` in one transaction (all or none), audited.
    public func resealSecrets(with newKey: SecretKey, actor: String) async throws(StoreError) -> Int {
        guard let cipher else { throw StoreError.secretKeyRequired(entity: "database", id: "secrets") }
        return try await write(entity: "secrets") { q in
            var count = 0
            for column in SealedColumn.all {
                for (name, sealed) in try await Self.values(of: column, q, lock: true) {
                    let plain = try cipher.open(sealed, entity: column.entity, id: name)
                    let resealed = try SecretCipher.seal(plain, with: newKey, entity: column.entity, id: name)
                    try await q.execute(
                        PostgresQuery(
                            unsafeSQL:
                                "UPDATE \(column.table) SET \(column.column) = $1 WHERE \(column.name) = $2",
                            binds: {
                                var binds = PostgresBindings()
                                binds.append(resealed)
                                binds.append(name)
                                return binds
                            }()))
                    count += 1
                }
            }
            try await Self.audit(
                AuditEvent(
                    at: Date(), kind: .secretsResealed, actor: actor,
                    detail: "re-sealed \(count) secrets from key \(cipher.key.id) to key \(newKey.id)"), q)
            return count
        }
    }

    /// How many sealed values name each key id (what a rotation has left to do).
    public func sealedKeyIDs() async throws(StoreError) -> [String: Int] {
        var counts: [String: Int] = [:]
        for value in try await sealedValues() {
            let parts = value.sealed.split(separator: ":", maxSplits: 2)
            if parts.count == 3 { counts[String(parts[1]), default: 0] += 1 }
        }
        return counts
    }

    private func sealedValues() async throws(StoreError) -> [(column: SealedColumn, name: String, sealed: String)] {
        try await read(entity: "secrets") { q in
            var values: [(column: SealedColumn, name: String, sealed: String)] = []
            for column in SealedColumn.all {
                for (name, sealed) in try await Self.values(of: column, q, lock: false) {
                    values.append((column, name, sealed))
                }
            }
            return values
        }
    }

    private static func values(of column: SealedColumn, _ q: PostgresQueries, lock: Bool) async throws
        -> [(String, String)]
    {
        try await q.rows(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(column.name) AS n, \(column.column) AS v FROM \(column.table)
                    WHERE \(column.column) IS NOT NULL\(lock ? " FOR UPDATE" : "")
                    """)
        ).map { (try $0["n"].decode(String.self), try $0["v"].decode(String.self)) }
    }
}
