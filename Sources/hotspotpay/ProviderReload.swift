import Config
import Console
import Foundation
import HotspotPayCore
import Logging
import Payments
import Store
import Synchronization

/// Applies provider credentials changed in the console to the running daemon: the config file is
/// read again with the stored credentials, the providers are rebuilt and swapped in for every
/// holder (``PaymentProviders/replaceConfigured(with:)``). A configuration that no longer reads
/// is refused and the daemon keeps what it had.
final class ProviderReload: Sendable {
    private let sources: Mutex<[String: CredentialSource]>
    let configPath: String?
    let environment: [String: String]
    let store: any ProviderCredentialStore
    let providers: PaymentProviders
    let publicURL: String
    let logger: Logger

    init(
        config: HotspotPayConfig, configPath: String?, environment: [String: String],
        store: any ProviderCredentialStore,
        providers: PaymentProviders, publicURL: String, logger: Logger
    ) {
        sources = Mutex(config.credentialSources)
        self.configPath = configPath
        self.environment = environment
        self.store = store
        self.providers = providers
        self.publicURL = publicURL
        self.logger = logger
    }

    var currentSources: [String: CredentialSource] { sources.withLock { $0 } }

    /// Nil on the embedded defaults: no file to read again (the sandbox needs no credentials).
    var applier: ProviderKeysDesk.Applier? {
        guard configPath != nil else { return nil }
        return { [self] in await apply() }
    }

    func apply() async -> String? {
        guard let configPath else { return "no config file to read again" }
        do {
            let stored = try await store.storedProviderCredentials()
            let fresh = try ConfigLoader.load(path: configPath, environment: environment) { _ in stored }
            providers.replaceConfigured(
                with: PaymentProviders(
                    settings: fresh.providers, publicURL: publicURL, http: AsyncHTTPProviderClient(), logger: logger))
            sources.withLock { $0 = fresh.credentialSources }
            logger.notice(
                "provider credentials applied", metadata: ["providers": "\(providers.all.map(\.id.rawValue))"])
            return nil
        } catch {
            logger.error("provider credentials not applied", metadata: ["error": "\(error)"])
            return "\(error)"
        }
    }
}
