import ArgumentParser
import Config
import Foundation
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: captive portal, checkout API, provider callbacks and the RADIUS server.",
        discussion: "Stops gracefully on SIGTERM or SIGINT: requests in flight finish and their writes are committed.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Override http.listen, e.g. 127.0.0.1:0 for a free port.") var listen: String?
    @Option(name: .customLong("radius-auth"), help: "Override radius.auth_listen, e.g. 127.0.0.1:0.")
    var radiusAuth: String?
    @Option(name: .customLong("radius-acct"), help: "Override radius.acct_listen, e.g. 127.0.0.1:0.")
    var radiusAcct: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error.") var logLevel = "info"
    @Option(
        name: .customLong("log-format"),
        help: "text (default) or json: one JSON object per line, for log shippers. Also $HOTSPOTPAY_LOG_FORMAT.")
    var logFormat: String?

    func run() async throws {
        let format = logFormat ?? ProcessInfo.processInfo.environment["HOTSPOTPAY_LOG_FORMAT"] ?? "text"
        switch format {
        case "json": LoggingSystem.bootstrap(JSONLogHandler.init)
        case "text": LoggingSystem.bootstrap(TextLogHandler.init)
        default: throw ValidationError("--log-format is text or json")
        }
        var logger = Logger(label: "hotspotpay")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let runtime = try options.runtime()
        var config = runtime.config
        if let listen {
            guard let address = ListenAddress(listen) else {
                throw ValidationError("--listen expects \(ListenAddress.expected)")
            }
            config.httpListen = address
        }
        for (text, keyPath) in [
            (radiusAuth, \HotspotPayConfig.radiusAuthListen), (radiusAcct, \HotspotPayConfig.radiusAcctListen),
        ] {
            guard let text else { continue }
            guard let address = ListenAddress(text) else {
                throw ValidationError("--radius-auth/--radius-acct expect \(ListenAddress.expected)")
            }
            config[keyPath: keyPath] = address
        }

        let daemon = try await buildDaemon(runtime: runtime, config: config, logger: logger)
        try await daemon.run()
        logger.info("stopped; every acknowledged write is committed")
    }
}
