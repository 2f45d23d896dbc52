import AsyncHTTPClient
import Foundation
import HotspotPayCore
import HotspotSimulator
import NIOCore
import Payments
import Radius
import Store
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Payment → device online, as the simulated RouterOS hotspot sees it, for each way a device gets
/// in: CoA on a `coa` router; on a `login` router the guest's open page posting the CHAP answer,
/// or (browser gone) the daemon's login through the router's pinned REST API, or the router's
/// MAC-authentication retry every `login-timeout`. `payments`
/// devices per path join, pay through the sandbox callback one every 50 ms, and the clock runs
/// from the callback being sent until the hotspot lets the device out.
enum UnlockBenchmark {
    static let routerSecret = CheckoutBenchmark.routerSecret

    enum Path: String, CaseIterable {
        case coa
        case browser
        case api
        case macRetry = "mac-retry"
    }

    static func run(arguments: [String]) async throws {
        let payments = arguments.first.flatMap(Int.init) ?? 100
        let loginTimeout = arguments.dropFirst().first.flatMap(Double.init) ?? 5
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("hotspotpay").path
        print(
            "Unlock benchmark: \(payments) payments per path, one every 50 ms; MAC-auth retry every \(loginTimeout) s")
        for path in Path.allCases {
            let latencies = try await measure(path, payments: payments, loginTimeout: loginTimeout, binary: binary)
            let online = latencies.compactMap { $0 }
            let stats = Percentiles(online.map { $0 * 1000 })
            print(
                String(
                    format: "%@: %d/%d online; payment → online p50 %.0f ms, p99 %.0f ms, max %.0f ms",
                    path.rawValue, online.count, latencies.count, stats.p50, stats.p99,
                    (online.max() ?? .nan) * 1000))
        }
    }

    static func measure(_ path: Path, payments: Int, loginTimeout: Double, binary: String) async throws -> [Double?] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hotspotpay-unlock-\(getpid())-\(path.rawValue)")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer {
            // HOTSPOTPAY_BENCH_KEEP=1 keeps the daemon's log and database for a look afterwards.
            if ProcessInfo.processInfo.environment["HOTSPOTPAY_BENCH_KEEP"] == nil {
                try? FileManager.default.removeItem(at: directory)
            }
        }
        let port = try LocalPort.free(.tcp)
        let coaPort = try LocalPort.free(.udp)
        let config = directory.appendingPathComponent("hotspotpay.yaml")
        try Venue.configYAML(
            directory: directory, port: port, coaPort: coaPort, strategy: path == .coa ? "coa" : "login"
        )
        .write(to: config, atomically: true, encoding: .utf8)
        setenv("HOTSPOTPAY_SECRET_KEY", CheckoutBenchmark.key, 1)
        let daemon = try ChildProcess(
            binary, ["serve", "--config", config.path, "--log-level", "warning"],
            output: directory.appendingPathComponent("daemon.out"))
        defer { daemon.stop() }
        _ = try daemon.waitForOutput(containing: "portal listening on")
        let line = try daemon.waitForOutput(containing: "RADIUS listening on auth")
        let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        let hotspot = try await SimulatedHotspot.start(
            .init(
                nasIdentifier: "venue-hap", secret: routerSecret, authPort: numbers[numbers.count - 2],
                accountingPort: numbers[numbers.count - 1], loginByMAC: path == .coa || path == .macRetry,
                loginTimeoutSeconds: loginTimeout,
                profiles: ["default": true, "portal-only": false, "paid": true],
                rest: path == .api ? .init(user: "hotspotpay", password: "rest-password-1") : nil),
            coaPort: coaPort)
        let client = HTTPClient()
        let store = try SQLiteStore(
            path: directory.appendingPathComponent("state/hotspotpay.sqlite").path,
            cipher: SecretCipher(key: try SecretKey.fromEnvironment(["HOTSPOTPAY_SECRET_KEY": CheckoutBenchmark.key])!))
        if path == .api, var router = try await store.router(id: "venue"), let url = hotspot.restURL {
            router.api = RouterAPI(
                url: url, user: "hotspotpay", password: Secret("rest-password-1"),
                certificateSHA256: hotspot.restCertificateSHA256)
            try await store.updateRouter(router, actor: "bench")
        }
        let sandbox = SandboxProvider(secret: Secret(CheckoutBenchmark.sandboxSecret), walletBaseURL: "http://unused")
        let baseURL = "http://127.0.0.1:\(port)"
        var orders: [(mac: String, transaction: Transaction)] = []
        for index in 0..<payments {
            let mac = String(format: "02:0B:00:00:%02X:%02X", (index >> 8) & 0xFF, index & 0xFF)
            await hotspot.deviceAppears(mac: mac, ip: "10.5.\(50 + index / 250).\(2 + index % 250)")
            let id = try await CheckoutBenchmark.createOne(index, mac: mac, client: client, baseURL: baseURL)
            guard let transaction = try await store.transaction(id: id) else { throw BenchError("lost \(id)") }
            orders.append((mac, transaction))
        }
        let results = try await withThrowingTaskGroup(of: Double?.self) { group in
            let begin = Date()
            for (index, order) in orders.enumerated() {
                let wait = begin.addingTimeInterval(Double(index) * 0.05).timeIntervalSinceNow
                if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
                let callback = await sandbox.walletCallback(for: order.transaction, pay: true)
                group.addTask {
                    let sent = Date()
                    _ = try await CheckoutBenchmark.deliver(
                        callback, client: client, baseURL: baseURL, sent: SendTimes())
                    if path == .browser {
                        // The open page: the status stream says paid, and it posts the CHAP answer.
                        guard let page = hotspot.loginPage(mac: order.mac), let secret = order.transaction.loginSecret
                        else { return nil }
                        let id = HotspotLogin.octalEscapes(page.chapID)!
                        let challenge = HotspotLogin.octalEscapes(page.chapChallenge)!
                        let answer = ASCIIHex.lowercase(
                            CHAPResponse.digest(identifier: id, secret: secret.text, challenge: challenge))
                        await hotspot.browserLogin(mac: order.mac, username: order.mac, password: answer)
                    }
                    let deadline = sent.addingTimeInterval(max(30, loginTimeout * 3))
                    while Date() < deadline {
                        if hotspot.reachesInternet(mac: order.mac) { return Date().timeIntervalSince(sent) }
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    return nil
                }
            }
            return try await group.reduce(into: [Double?]()) { $0.append($1) }
        }
        let leaked = hotspot.unpaidDevicesOnline(paid: Set(orders.map(\.mac)))
        if !leaked.isEmpty { throw BenchError("unpaid devices online: \(leaked)") }
        await hotspot.stop()
        try await client.shutdown()
        return results
    }
}
