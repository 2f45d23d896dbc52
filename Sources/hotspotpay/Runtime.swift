import Config
import Console
import Foundation
import HotspotPayCore
import Logging
import Payments
import PostgresStore
import Store
import Webhooks

/// The configuration a command runs with and how to open the store from it.
struct Runtime {
    let config: HotspotPayConfig
    /// True when no config file was given: the offline demo.
    let usesEmbeddedDefaults: Bool
    let environment: [String: String]
    /// The config file read, nil on the embedded defaults.
    var configPath: String? = nil

    static func load(configPath: String?, dataDirectory: String?, environment: [String: String]) throws -> Runtime {
        if let path = configPath ?? environment["HOTSPOTPAY_CONFIG"], !path.isEmpty {
            return Runtime(
                config: try loadConfig(path: path, environment: environment), usesEmbeddedDefaults: false,
                environment: environment, configPath: path)
        }
        let directory = dataDirectory ?? environment["HOTSPOTPAY_DATA_DIR"] ?? "./data"
        var config = HotspotPayConfig.embeddedDefaults(dataDirectory: directory)
        if let url = environment["HOTSPOTPAY_DATABASE_URL"], !url.isEmpty { config.database = url }
        return Runtime(config: config, usesEmbeddedDefaults: true, environment: environment)
    }

    /// The config file with the provider credentials entered in the console filling what the file
    /// and the environment leave out.
    static func loadConfig(path: String, environment: [String: String]) throws(ConfigError) -> HotspotPayConfig {
        try ConfigLoader.load(path: path, environment: environment) { partial in
            storedCredentials(Runtime(config: partial, usesEmbeddedDefaults: false, environment: environment))
        }
    }

    /// The credentials in the database `runtime` names, or none when it does not exist yet or
    /// cannot be opened with the key given (the daemon then refuses to start and says why).
    static func storedCredentials(_ runtime: Runtime) -> [String: Secret] {
        // On PostgreSQL the daemon reads them once connected (ProviderReload at start).
        guard !runtime.config.usesPostgres, FileManager.default.fileExists(atPath: runtime.config.databasePath),
            let cipher = try? runtime.cipher(),
            let store = try? SQLiteStore(path: runtime.config.databasePath, cipher: cipher, migrate: false)
        else { return [:] }
        return (try? store.storedProviderCredentialsNow()) ?? [:]
    }

    /// The encryption key: the environment first, then the config's key file. On the embedded
    /// defaults a missing key file is created, so the demo needs no setup.
    /// Where the encryption keys come from: `rekey` writes the new key there.
    enum KeySource: Equatable {
        /// `HOTSPOTPAY_SECRET_KEY` (one key, or several separated by commas, the sealing one first).
        case environment
        /// A key file (`HOTSPOTPAY_SECRET_KEY_FILE` or `secret_key_file:`), one key per line.
        case file(String)
    }

    var keySource: KeySource? {
        if let text = environment[SecretKey.environmentVariable], !text.isEmpty { return .environment }
        if let path = environment[SecretKey.fileEnvironmentVariable], !path.isEmpty { return .file(path) }
        return config.secretKeyFile.map(KeySource.file)
    }

    func secretKeyring() throws -> SecretKeyring? {
        switch keySource {
        case nil: return nil
        case .environment: return try SecretKeyring.fromEnvironment(environment)
        case .file(let path):
            if FileManager.default.fileExists(atPath: path) { return try SecretKeyring.fromFile(path) }
            guard usesEmbeddedDefaults, config.secretKeyFile == path else {
                throw RuntimeError("the key file \(path) does not exist")
            }
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            guard
                FileManager.default.createFile(
                    atPath: path, contents: Data((SecretKey.generateText() + "\n").utf8),
                    attributes: [.posixPermissions: 0o600])
            else { throw RuntimeError("cannot create the key file \(path)") }
            return try SecretKeyring.fromFile(path)
        }
    }

    /// The store's cipher; with a key file it reads the file again when a value names a key it
    /// lacks, so a running daemon follows `hotspotpay rekey`.
    func cipher() throws -> SecretCipher? {
        guard let keyring = try secretKeyring() else { return nil }
        if case .file(let path) = keySource {
            return SecretCipher(keyring: keyring, reload: { try SecretKeyring.fromFile(path) })
        }
        return SecretCipher(keyring: keyring)
    }

    /// Opens the database the config names and brings its schema up to date (unless `migrate`
    /// is false): the SQLite file, or the PostgreSQL server (password from
    /// `HOTSPOTPAY_DATABASE_PASSWORD`; nodes starting together migrate once).
    func openStore(migrate: Bool = true) async throws -> any DaemonStore {
        guard config.usesPostgres else { return try openSQLiteStore(migrate: migrate) }
        var logger = Logger(label: "hotspotpay.postgres")
        logger.logLevel = .warning
        let store = PostgresStore(
            url: try PostgresURL(config.database), password: environment["HOTSPOTPAY_DATABASE_PASSWORD"],
            cipher: try cipher(), logger: logger)
        if migrate { try await store.migrate() }
        return store
    }

    /// The SQLite file, for what only SQLite does (an online backup, an integrity check).
    func openSQLiteStore(migrate: Bool = true, for command: String? = nil) throws -> SQLiteStore {
        if config.usesPostgres {
            throw RuntimeError(
                "\(command ?? "this command") works on the SQLite file; the database is PostgreSQL "
                    + "(\((try? PostgresURL(config.database).description) ?? "postgres://…")): use PostgreSQL's own "
                    + "tools (pg_dump, pg_basebackup; see docs/OPERATIONS.md, \"Several nodes\")")
        }
        return try SQLiteStore(
            path: config.databasePath, cipher: try cipher(), durability: config.durability, migrate: migrate)
    }

    /// The operator console's services on this runtime's store, for CLI commands: the same code
    /// the web console and the API run.
    func console(_ store: any HotspotStore) -> OperatorConsole {
        var logger = Logger(label: "hotspotpay")
        logger.logLevel = .warning
        let providers = PaymentProviders(
            settings: config.providers, publicURL: config.publicURL, http: AsyncHTTPProviderClient(), logger: logger)
        return OperatorConsole(
            store: store, providers: providers, logger: logger, routerExpectations: config.doctorExpectations,
            outbound: OutboundAddressGuard(allowPrivateAddresses: config.webhooks.allowPrivateAddresses),
            credentialSources: { [config] in config.credentialSources })
    }

    /// Adds the config's plans and routers that the database does not have yet.
    func seed(_ store: any HotspotStore) async throws -> (plans: Int, routers: Int) {
        var plans = 0
        var routers = 0
        for plan in config.plans where try await store.addPlanIfMissing(plan, actor: "config") { plans += 1 }
        for router in config.routers where try await store.addRouterIfMissing(router, actor: "config") { routers += 1 }
        return (plans, routers)
    }
}

/// A command-line mistake or an environment problem, printed as is.
struct RuntimeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
