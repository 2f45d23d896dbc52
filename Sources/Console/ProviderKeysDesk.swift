import Foundation
import HotspotPayCore
import Payments
import Store

/// Payment providers' credentials in the console: write-only (a value is never shown back, only
/// whether it is set and where the one in use comes from), sealed in the database, applied to the
/// running daemon at once when it gives an ``Applier``.
public struct ProviderKeysDesk: Sendable {
    /// Re-reads the configuration with the stored credentials and swaps the daemon's providers;
    /// returns why it could not (the daemon keeps the providers it had).
    public typealias Applier = @Sendable () async -> String?

    let store: any ProviderCredentialStore
    /// Where each credential in use comes from now (after the last apply).
    let sources: @Sendable () -> [String: CredentialSource]
    /// The providers the configuration switches on.
    let enabled: @Sendable () -> [ProviderID]
    let apply: Applier?
    let clock: @Sendable () -> Date

    public init(
        store: any ProviderCredentialStore, sources: @escaping @Sendable () -> [String: CredentialSource] = { [:] },
        enabled: @escaping @Sendable () -> [ProviderID] = { [] }, apply: Applier? = nil,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.sources = sources
        self.enabled = enabled
        self.apply = apply
        self.clock = clock
    }

    /// One credential as the console shows it.
    public struct Line: Sendable, Hashable {
        public var credential: ProviderCredential
        /// Where the value in use comes from; nil when none is in use.
        public var inUse: CredentialSource?
        /// A value entered in the console is stored (used only when the environment and the file have none).
        public var stored: StoredCredential?
    }

    /// Every provider's credentials, whether each provider is switched on.
    public func lines() async throws(ConsoleError) -> [(provider: ProviderID, enabled: Bool, lines: [Line])] {
        let stored = try await ConsoleError.wrap { try await store.providerCredentialsSet() }
        let sources = sources()
        let on = Set(enabled())
        return [ProviderID.momo, .vnpay, .vietqr].map { provider in
            (
                provider, on.contains(provider),
                ProviderCredential.all.filter { $0.provider == provider }.map {
                    Line(credential: $0, inUse: sources[$0.variable], stored: stored[$0.variable])
                }
            )
        }
    }

    /// What saving did.
    public struct Outcome: Sendable, Hashable {
        /// Names of the credentials set and removed.
        public var set: [String]
        public var removed: [String]
        /// True when the running daemon took them at once; false when it needs a restart (the CLI,
        /// or the new configuration was refused: `problem`).
        public var applied: Bool
        public var problem: String?
    }

    /// Stores `values` (credential name → new value; blank leaves it as it is) and removes
    /// `remove` for one provider, after checking every value; then applies them.
    public func change(provider: ProviderID, values: [String: String], remove: Set<String>, actor: String)
        async throws(ConsoleError) -> Outcome
    {
        var problems: [ValidationProblem] = []
        var changes: [String: Secret?] = [:]
        for (name, value) in values where !value.isEmpty {
            guard let credential = ProviderCredential.named(name), credential.provider == provider else {
                problems.append(.init(field: name, message: "not a credential of \(provider)"))
                continue
            }
            if let problem = credential.problem(value) {
                problems.append(.init(field: credential.key, message: problem))
            } else {
                changes[name] = Secret(value)
            }
        }
        for name in remove where changes[name] == nil {
            guard let credential = ProviderCredential.named(name), credential.provider == provider else {
                problems.append(.init(field: name, message: "not a credential of \(provider)"))
                continue
            }
            changes[credential.variable] = Secret?.none
        }
        guard problems.isEmpty else { throw .invalid(problems) }
        guard !changes.isEmpty else {
            throw .invalid([.init(field: "", message: "nothing to change: every field was left empty")])
        }
        try await ConsoleError.wrap { [changes] in
            try await store.changeProviderCredentials(changes, provider: provider, at: clock(), actor: actor)
        }
        let problem = await apply?()
        return Outcome(
            set: changes.filter { $0.value != nil }.keys.sorted(),
            removed: changes.filter { $0.value == nil }.keys.sorted(),
            applied: apply != nil && problem == nil, problem: problem)
    }
}
