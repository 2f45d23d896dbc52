import HotspotPayCore

import struct Foundation.Date

/// Payment providers' credentials entered in the console, sealed like router secrets. The config
/// file and the environment win over them; they fill what those leave out.
public protocol ProviderCredentialStore: Sendable {
    /// Every stored value, opened, by credential name (`MOMO_SECRET_KEY`).
    func storedProviderCredentials() async throws(StoreError) -> [String: Secret]
    /// Which credentials are stored and when each was last set, never their values.
    func providerCredentialsSet() async throws(StoreError) -> [String: StoredCredential]
    /// Sets (a value) or removes (nil) credentials in one transaction; audited by name only.
    func changeProviderCredentials(_ changes: [String: Secret?], provider: ProviderID, at: Date, actor: String)
        async throws(StoreError)
}

/// That a credential is stored, without its value.
public struct StoredCredential: Sendable, Hashable {
    public var provider: ProviderID
    public var updatedAt: Date
    public var updatedBy: String

    public init(provider: ProviderID, updatedAt: Date, updatedBy: String) {
        self.provider = provider
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }
}

extension StoredCredential {
    /// The audit line of a change: names only, never values ("momo: set secret_key; removed …").
    public static func changeSummary(provider: ProviderID, changes: [String: String?]) -> String {
        let set = changes.filter { $0.value != nil }.keys.sorted()
        let removed = changes.filter { $0.value == nil }.keys.sorted()
        return "\(provider): "
            + [
                set.isEmpty ? nil : "set \(set.joined(separator: ", "))",
                removed.isEmpty ? nil : "removed \(removed.joined(separator: ", "))",
            ].compactMap { $0 }.joined(separator: "; ")
    }
}

extension StoredCredential {
    /// The changes with each new value sealed (under `provider.NAME`); nil removes a value.
    public static func sealed(_ changes: [String: Secret?], provider: ProviderID, cipher: SecretCipher?)
        throws(StoreError) -> [String: String?]
    {
        var sealed: [String: String?] = [:]
        for (field, value) in changes {
            guard let value else {
                sealed[field] = String?.none
                continue
            }
            guard let cipher else {
                throw StoreError.secretKeyRequired(entity: "provider credential", id: "\(provider).\(field)")
            }
            do {
                sealed[field] = try cipher.seal(value.reveal, entity: "provider credential", id: "\(provider).\(field)")
            } catch let error as StoreError { throw error } catch {
                throw StoreError.database(entity: "provider credential", reason: "\(error)")
            }
        }
        return sealed
    }
}
