import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: ProviderCredentialStore {
    public func storedProviderCredentials() async throws(StoreError) -> [String: Secret] {
        let cipher = self.cipher
        return try await read(entity: "provider credential") { q in
            var values: [String: Secret] = [:]
            for row in try await q.rows("SELECT provider, field, value_sealed FROM provider_credentials") {
                let columns = PostgresColumns(row, entity: "provider credential", idColumn: "field")
                let field = try columns.string("field")
                let name = "\(try columns.string("provider")).\(field)"
                guard let cipher else { throw StoreError.secretKeyRequired(entity: "provider credential", id: name) }
                values[field] = Secret(
                    try cipher.open(try columns.string("value_sealed"), entity: "provider credential", id: name))
            }
            return values
        }
    }

    public func providerCredentialsSet() async throws(StoreError) -> [String: StoredCredential] {
        try await read(entity: "provider credential") { q in
            var set: [String: StoredCredential] = [:]
            for row in try await q.rows("SELECT provider, field, updated_at, updated_by FROM provider_credentials") {
                let columns = PostgresColumns(row, entity: "provider credential", idColumn: "field")
                set[try columns.string("field")] = StoredCredential(
                    provider: ProviderID(rawValue: try columns.string("provider")),
                    updatedAt: try columns.date("updated_at"), updatedBy: try columns.string("updated_by"))
            }
            return set
        }
    }

    public func changeProviderCredentials(
        _ changes: [String: Secret?], provider: ProviderID, at: Date, actor: String
    ) async throws(StoreError) {
        guard !changes.isEmpty else { return }
        let sealed = try StoredCredential.sealed(changes, provider: provider, cipher: cipher)
        try await write(entity: "provider credential") { [sealed] q in
            for (field, value) in sealed.sorted(by: { $0.key < $1.key }) {
                if let value {
                    try await q.execute(
                        """
                        INSERT INTO provider_credentials (provider, field, value_sealed, updated_at, updated_by)
                        VALUES (\(provider.rawValue), \(field), \(value), \(at.epochMilliseconds), \(actor))
                        ON CONFLICT (provider, field) DO UPDATE SET value_sealed = excluded.value_sealed,
                            updated_at = excluded.updated_at, updated_by = excluded.updated_by
                        """)
                } else {
                    try await q.execute(
                        "DELETE FROM provider_credentials WHERE provider = \(provider.rawValue) AND field = \(field)")
                }
            }
            try await Self.audit(
                AuditEvent(
                    at: at, kind: .providerCredentialsChanged, actor: actor,
                    detail: StoredCredential.changeSummary(provider: provider, changes: sealed)), q)
        }
    }
}
