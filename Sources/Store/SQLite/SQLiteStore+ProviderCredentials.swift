import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: ProviderCredentialStore {
    public func storedProviderCredentials() async throws(StoreError) -> [String: Secret] {
        let cipher = self.cipher
        return try await read(entity: "provider credential") { db in try Self.openCredentials(db, cipher: cipher) }
    }

    public func providerCredentialsSet() async throws(StoreError) -> [String: StoredCredential] {
        try await read(entity: "provider credential") { db in
            var set: [String: StoredCredential] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT provider, field, updated_at, updated_by FROM provider_credentials")
            {
                let reader = RowReader(row, entity: "provider credential", idColumn: "field")
                set[try reader.value("field")] = StoredCredential(
                    provider: ProviderID(rawValue: try reader.value("provider")),
                    updatedAt: try reader.date("updated_at"),
                    updatedBy: try reader.value("updated_by"))
            }
            return set
        }
    }

    public func changeProviderCredentials(
        _ changes: [String: Secret?], provider: ProviderID, at: Date, actor: String
    ) async throws(StoreError) {
        guard !changes.isEmpty else { return }
        let sealed = try StoredCredential.sealed(changes, provider: provider, cipher: cipher)
        try await write(entity: "provider credential") { [sealed] db in
            for (field, value) in sealed.sorted(by: { $0.key < $1.key }) {
                if let value {
                    try db.execute(
                        sql: """
                            INSERT INTO provider_credentials (provider, field, value_sealed, updated_at, updated_by)
                            VALUES (?, ?, ?, ?, ?)
                            ON CONFLICT (provider, field) DO UPDATE SET value_sealed = excluded.value_sealed,
                                updated_at = excluded.updated_at, updated_by = excluded.updated_by
                            """,
                        arguments: [provider.rawValue, field, value, at.epochMilliseconds, actor])
                } else {
                    try db.execute(
                        sql: "DELETE FROM provider_credentials WHERE provider = ? AND field = ?",
                        arguments: [provider.rawValue, field])
                }
            }
            try Self.audit(
                AuditEvent(
                    at: at, kind: .providerCredentialsChanged, actor: actor,
                    detail: StoredCredential.changeSummary(provider: provider, changes: sealed)),
                db: db)
        }
    }
}

extension SQLiteStore {
    /// ``storedProviderCredentials()`` at once on the calling thread, for reading the config
    /// before anything async runs. Nil when the database has no such table yet (an older schema).
    public func storedProviderCredentialsNow() throws(StoreError) -> [String: Secret] {
        let cipher = self.cipher
        return try readNow { db in
            guard try db.tableExists("provider_credentials") else { return [:] }
            return try Self.openCredentials(db, cipher: cipher)
        }
    }

    /// Every stored credential opened, by name; sealed under `provider.NAME`.
    static func openCredentials(_ db: Database, cipher: SecretCipher?) throws -> [String: Secret] {
        var values: [String: Secret] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT provider, field, value_sealed FROM provider_credentials") {
            let field: String = row["field"]
            let name = "\(row["provider"] as String).\(field)"
            guard let cipher else { throw StoreError.secretKeyRequired(entity: "provider credential", id: name) }
            values[field] = Secret(try cipher.open(row["value_sealed"], entity: "provider credential", id: name))
        }
        return values
    }
}
