import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The real daemon set up like a venue: one router on this machine whose CoA port is a
/// FreeRADIUS stand-in, the sandbox provider, and the portal on a port chosen up front so that
/// its public URL (the sandbox wallet's links, provider return URLs) is the address it listens on.
public final class VenueDaemon: @unchecked Sendable {
    public let directory: URL
    public private(set) var port: Int
    public let config: URL
    public let key = "7f3c1a9e5b2d4c6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5"
    public private(set) var process: DaemonProcess?
    /// How the daemon and the commands get the key: the variable, or a key file in the directory.
    public let keyEnvironment: [String: String]

    public static let routerSecret = "venue-router-secret-0123456789"
    public static let sandboxSecret = "venue-sandbox-signing-secret"
    public static let routerID = "venue"

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var databasePath: String { directory.appendingPathComponent("state/hotspotpay.sqlite").path }

    /// Writes the config; `start()` runs the daemon on it.
    public init(
        coaPort: Int, window: String = "15m", sweeperInterval: String = "60s", resendAfter: String = "60s",
        checkoutLimitPerAddress: Int = 300, poll: String = "auto", moreProviders: String = "",
        strategy: String = "coa", hotspotAddress: String = "10.5.50.1",
        radiusPorts: (auth: Int, accounting: Int)? = nil, keyInFile: Bool = false, moreConfig: String = "",
        _ label: String = #function
    ) throws {
        directory = try Fixtures.temporaryDirectory(label)
        if keyInFile {
            let file = directory.appendingPathComponent("hotspotpay.key")
            try (key + "\n").write(to: file, atomically: true, encoding: .utf8)
            keyEnvironment = ["HOTSPOTPAY_SECRET_KEY_FILE": file.path]
        } else {
            keyEnvironment = ["HOTSPOTPAY_SECRET_KEY": key]
        }
        port = try LocalPort.free(.tcp)
        config = directory.appendingPathComponent("hotspotpay.yaml")
        try """
        data_dir: \(directory.path)/state
        http:
          listen: 127.0.0.1:\(port)
          public_url: http://127.0.0.1:\(port)
          checkout_limit_per_address: \(checkoutLimitPerAddress)
        radius:
          auth_listen: 127.0.0.1:\(radiusPorts?.auth ?? 0)
          acct_listen: 127.0.0.1:\(radiusPorts?.accounting ?? 0)
        payments:
          window: \(window)
          poll: \(poll)
        sweeper:
          interval: \(sweeperInterval)
        unlock:
          resend_after: \(resendAfter)
        providers:
          sandbox:
            secret: \(Self.sandboxSecret)
        \(moreProviders)
        routers:
          - id: \(Self.routerID)
            name: Venue router
            nas_identifier: venue-hap
            address: 127.0.0.1
            secret: \(Self.routerSecret)
            coa_port: \(coaPort)
            strategy: \(strategy)
            hotspot_address: \(hotspotAddress)
            captive_attributes:
              - Mikrotik-Group = portal-only
            paid_attributes:
              - Mikrotik-Group = paid
        plans:
          - id: 1h
            name_vi: 1 giờ
            name_en: 1 hour
            price: 10000
            duration: 1h
            download: 10M
            upload: 2M
          - id: 1d
            name_vi: 1 ngày
            name_en: 1 day
            price: 30000
            duration: 1d
            data_cap: 5GB
            download: 20M
            upload: 5M
        \(moreConfig)
        """.write(to: config, atomically: true, encoding: .utf8)
    }

    /// Starts `serve` and waits for the portal. A port picked free up front can be taken by a
    /// parallel test before the daemon binds it: then the ports are picked again (twice at most).
    public func start() async throws {
        for attempt in 1...3 {
            let daemon = try DaemonProcess(
                arguments: ["serve", "--config", config.path], directory: directory,
                environment: keyEnvironment)
            process = daemon
            do {
                _ = try await daemon.waitForPortal()
                return
            } catch DaemonError.exited(_, let stderr) where attempt < 3 && stderr.lowercased().contains("in use") {
                process = nil
                try repickPorts()
            }
        }
    }

    /// New free ports for the portal and any fixed RADIUS port in the config.
    private func repickPorts() throws {
        var text = try String(contentsOf: config, encoding: .utf8)
        let newPort = try LocalPort.free(.tcp)
        text = text.replacingOccurrences(of: "127.0.0.1:\(port)", with: "127.0.0.1:\(newPort)")
        port = newPort
        for key in ["auth_listen", "acct_listen"] {
            guard let line = text.split(separator: "\n").first(where: { $0.contains(key + ":") }),
                let old = line.split(separator: ":").last.flatMap({ Int($0) }), old != 0
            else { continue }
            text = text.replacingOccurrences(of: String(line), with: "  \(key): 127.0.0.1:\(try LocalPort.free(.udp))")
        }
        try text.write(to: config, atomically: true, encoding: .utf8)
    }

    /// Runs `hotspotpay ARGUMENTS --config …` against this venue's database.
    public func command(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try await DaemonProcess.run(
            arguments + ["--config", config.path], directory: directory,
            environment: keyEnvironment.merging(extra) { $1 })
    }

    /// Adds operator `username` with `password`; returns the command's exit status.
    public func addOperator(_ username: String, password: String) async throws -> Int32 {
        try await command(
            ["operators", "add", "--username", username, "--display-name", username.capitalized],
            environment: ["HOTSPOTPAY_OPERATOR_PASSWORD": password]
        ).status
    }

    /// A new API token for `username`, as `hotspotpay tokens create` prints it.
    public func apiToken(for username: String) async throws -> String {
        try await command(["tokens", "create", "--username", username, "--name", "test"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// SIGKILL: the daemon dies with whatever it was doing unfinished.
    public func kill() async throws {
        guard let process else { return }
        process.signal(SIGKILL)
        _ = try await process.waitForExit(timeout: 10)
        self.process = nil
    }

    public func stop() async throws {
        guard let process else { return }
        process.signal(SIGTERM)
        _ = try await process.waitForExit(timeout: 45)
        self.process = nil
    }

    deinit { if let process { process.signal(SIGKILL) } }
}
