import Config
import Console
import Foundation
import HotspotPayCore
import Logging
import Payments
import Store

/// The configuration a command runs with and how to open the store from it.
struct Runtime {
    let config: HotspotPayConfig
    /// True when no config file was given: the offline demo.
    let usesEmbeddedDefaults: Bool
    let environment: [String: String]

    static func load(configPath: String?, dataDirectory: String?, environment: [String: String]) throws -> Runtime {
        if let path = configPath ?? environment["HOTSPOTPAY_CONFIG"], !path.isEmpty {
            return Runtime(
                config: try ConfigLoader.load(path: path, environment: environment), usesEmbeddedDefaults: false,
                environment: environment)
        }
        let directory = dataDirectory ?? environment["HOTSPOTPAY_DATA_DIR"] ?? "./data"
        return Runtime(
            config: .embeddedDefaults(dataDirectory: directory), usesEmbeddedDefaults: true, environment: environment)
    }

    /// The encryption key: the environment first, then the config's key file. On the embedded
    /// defaults a missing key file is created, so the demo needs no setup.
    func secretKey() throws -> SecretKey? {
        if let key = try SecretKey.fromEnvironment(environment) { return key }
        guard let path = config.secretKeyFile else { return nil }
        if FileManager.default.fileExists(atPath: path) { return try SecretKey.fromFile(path) }
        guard usesEmbeddedDefaults else { throw RuntimeError("secret_key_file \(path) does not exist") }
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data((SecretKey.generateText() + "\n").utf8),
                attributes: [.posixPermissions: 0o600])
        else { throw RuntimeError("cannot create the key file \(path)") }
        return try SecretKey.fromFile(path)
    }

    func openStore(migrate: Bool = true) throws -> SQLiteStore {
        return try SQLiteStore(
            path: config.databasePath, cipher: try secretKey().map(SecretCipher.init), durability: config.durability,
            migrate: migrate)
    }

    /// The operator console's services on this runtime's store, for CLI commands: the same code
    /// the web console and the API run.
    func console(_ store: SQLiteStore) -> OperatorConsole {
        var logger = Logger(label: "hotspotpay")
        logger.logLevel = .warning
        let providers = PaymentProviders(
            settings: config.providers, publicURL: config.publicURL, http: AsyncHTTPProviderClient(), logger: logger)
        return OperatorConsole(
            store: store, providers: providers, logger: logger, routerExpectations: config.doctorExpectations)
    }

    /// Adds the config's plans and routers that the database does not have yet.
    func seed(_ store: SQLiteStore) async throws -> (plans: Int, routers: Int) {
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
