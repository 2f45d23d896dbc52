import Foundation
import GRDB
import Logging
import PostgresStore
import Store
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A venue for the checkout benchmark: FreeRADIUS standing in for the router's CoA port
/// (`radius/coa-peer`), and the release daemon with that router, the sandbox and `filler` old
/// transactions in its database; on PostgreSQL, `nodes` daemons on the one database.
final class Venue {
    let directory: URL
    /// Each node's HTTP port, the first node's first.
    let ports: [Int]
    let daemons: [ChildProcess]
    let peer: ChildProcess
    var port: Int { ports[0] }
    /// `HOTSPOTPAY_BENCH_WEBHOOK=1`: a receiver subscribed to every event (the outbox's cost).
    var receiver: ChildProcess? = nil
    var webhookSubscribed = false
    /// `HOTSPOTPAY_BENCH_DATABASE=postgres`: the daemon on a throwaway PostgreSQL server.
    var postgres: PostgresCluster? = nil
    var baseURL: String { "http://127.0.0.1:\(port)" }
    var database: String { directory.appendingPathComponent("state/hotspotpay.sqlite").path }

    private init(directory: URL, ports: [Int], daemons: [ChildProcess], peer: ChildProcess) {
        self.directory = directory
        self.ports = ports
        self.daemons = daemons
        self.peer = peer
    }

    static func start(binary: String, filler: Int, nodes: Int = 1) async throws -> Venue {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hotspotpay-checkout-\(getpid())-\(filler)")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        let peerDirectory = directory.appendingPathComponent("router")
        try FileManager.default.createDirectory(at: peerDirectory, withIntermediateDirectories: true)
        let coaPort = try LocalPort.free(.udp)
        try String(contentsOf: URL(fileURLWithPath: "radius/coa-peer/radiusd.conf.in"), encoding: .utf8)
            .replacingOccurrences(of: "@PORT@", with: String(coaPort))
            .replacingOccurrences(of: "@SECRET@", with: CheckoutBenchmark.routerSecret)
            .write(to: peerDirectory.appendingPathComponent("radiusd.conf"), atomically: true, encoding: .utf8)
        let peer = try ChildProcess(
            "/usr/sbin/freeradius", ["-f", "-d", peerDirectory.path],
            output: directory.appendingPathComponent("freeradius.out"))
        try peer.waitForFile(
            peerDirectory.appendingPathComponent("radiusd.log"), containing: "Ready to process requests")

        let port = try LocalPort.free(.tcp)
        let config = directory.appendingPathComponent("hotspotpay.yaml")
        var postgres: PostgresCluster?
        var yaml = Self.configYAML(directory: directory, port: port, coaPort: coaPort, strategy: "coa")
        if ProcessInfo.processInfo.environment["HOTSPOTPAY_BENCH_DATABASE"] == "postgres" || nodes > 1 {
            let cluster = try await PostgresCluster.start("checkout-bench")
            postgres = cluster
            yaml += "\ndatabase: \(cluster.url)\n"
        }
        try yaml.write(to: config, atomically: true, encoding: .utf8)
        setenv("HOTSPOTPAY_SECRET_KEY", CheckoutBenchmark.key, 1)
        if filler > 0 {
            // Seed plans and router with a first start, then add the history while it is stopped.
            let seed = try ChildProcess(
                binary, ["serve", "--config", config.path, "--log-level", "warning"],
                output: directory.appendingPathComponent("seed.out"))
            _ = try seed.waitForOutput(containing: "portal listening on")
            seed.stop()
            let started = Date()
            try fill(path: directory.appendingPathComponent("state/hotspotpay.sqlite").path, rows: filler)
            print(String(format: "filled %d old transactions in %.1f s", filler, Date().timeIntervalSince(started)))
        }
        let daemon = try ChildProcess(
            binary, ["serve", "--config", config.path, "--log-level", "warning"],
            output: directory.appendingPathComponent("daemon.out"))
        var receiver: ChildProcess?
        // `down`: the endpoint refuses connections, so what is measured is the outbox's writes (and
        // one quick refused attempt per delivery), not a receiver's work on the same two cores.
        let webhook = ProcessInfo.processInfo.environment["HOTSPOTPAY_BENCH_WEBHOOK"]
        if webhook == "1" || webhook == "down" {
            let hookPort = try LocalPort.free(.tcp)
            let script = """
                import http.server
                class H(http.server.BaseHTTPRequestHandler):
                    protocol_version = "HTTP/1.1"
                    def do_POST(self):
                        self.rfile.read(int(self.headers.get("Content-Length", 0)))
                        self.send_response(204); self.send_header("Content-Length", "0"); self.end_headers()
                    def log_message(self, *a): pass
                http.server.ThreadingHTTPServer(("127.0.0.1", \(hookPort)), H).serve_forever()
                """
            if webhook == "1" {
                receiver = try ChildProcess(
                    "/usr/bin/python3", ["-c", script], output: directory.appendingPathComponent("receiver.out"))
            }
            let add = try ChildProcess(
                binary,
                [
                    "webhooks", "add", "--config", config.path, "--url", "http://127.0.0.1:\(hookPort)/hooks",
                    "--events", "all",
                ],
                output: directory.appendingPathComponent("webhook-add.out"))
            _ = try add.waitForOutput(containing: "signing secret")
        }
        _ = try daemon.waitForOutput(containing: "portal listening on")
        var ports = [port]
        var daemons = [daemon]
        // More nodes: the same venue on the same database, each on a port (and a data_dir) of its own.
        for node in 1..<max(1, nodes) {
            let nodePort = try LocalPort.free(.tcp)
            let nodeDirectory = directory.appendingPathComponent("node\(node + 1)")
            try FileManager.default.createDirectory(at: nodeDirectory, withIntermediateDirectories: true)
            let nodeConfig = nodeDirectory.appendingPathComponent("hotspotpay.yaml")
            try
                (Self.configYAML(directory: nodeDirectory, port: nodePort, coaPort: coaPort, strategy: "coa")
                + "\ndatabase: \(postgres?.url ?? "")\n")
                .write(to: nodeConfig, atomically: true, encoding: .utf8)
            let nodeDaemon = try ChildProcess(
                binary, ["serve", "--config", nodeConfig.path, "--log-level", "warning"],
                output: nodeDirectory.appendingPathComponent("daemon.out"))
            _ = try nodeDaemon.waitForOutput(containing: "portal listening on")
            ports.append(nodePort)
            daemons.append(nodeDaemon)
        }
        let venue = Venue(directory: directory, ports: ports, daemons: daemons, peer: peer)
        venue.receiver = receiver
        venue.postgres = postgres
        venue.webhookSubscribed = webhook == "1" || webhook == "down"
        return venue
    }

    /// The benchmarks' venue: router `venue` at 127.0.0.1 (its CoA port `coaPort`, `strategy`),
    /// the sandbox, plans `1h` (uncapped) and `1d` (5 GB), and checkout limits out of the way.
    static func configYAML(directory: URL, port: Int, coaPort: Int, strategy: String) -> String {
        """
        data_dir: \(directory.path)/state
        http:
          listen: 127.0.0.1:\(port)
          public_url: http://127.0.0.1:\(port)
          checkout_limit_per_device: 10000
          checkout_limit_per_address: 1000000
        radius:
          auth_listen: 127.0.0.1:0
          acct_listen: 127.0.0.1:0
        providers:
          sandbox:
            secret: \(CheckoutBenchmark.sandboxSecret)
        routers:
          - id: venue
            nas_identifier: venue-hap
            address: 127.0.0.1
            secret: \(CheckoutBenchmark.routerSecret)
            coa_port: \(coaPort)
            strategy: \(strategy)
            hotspot_address: 10.5.50.1
            captive_attributes:
              - Mikrotik-Group = portal-only
            paid_attributes:
              - Mikrotik-Group = paid
        webhooks:
          allow_private_addresses: true
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
        """
    }

    /// Rows of `sql` from the venue's database, each as its columns' text.
    func query(_ sql: String) async throws -> [[String]] {
        if let postgres {
            return try await postgres.psql(sql).split(separator: "\n").map {
                $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            }
        }
        return try await DatabaseQueue(path: database).read { db in
            try Row.fetchAll(db, sql: sql).map { row in
                row.databaseValues.map { value in
                    switch value.storage {
                    case .null: ""
                    case .int64(let number): String(number)
                    case .double(let number): String(number)
                    case .string(let text): text
                    case .blob(let data): String(decoding: data, as: UTF8.self)
                    }
                }
            }
        }
    }

    /// The venue's store, for reading what the daemon wrote.
    func store(key: SecretKey) throws -> any HotspotStore {
        if let postgres {
            var logger = Logger(label: "bench")
            logger.logLevel = .error
            return PostgresStore(
                url: try PostgresURL(postgres.url), password: nil, cipher: SecretCipher(key: key), connections: 4,
                logger: logger)
        }
        return try SQLiteStore(path: database, cipher: SecretCipher(key: key))
    }

    func stop() {
        for daemon in daemons { daemon.stop() }
        peer.stop()
        receiver?.stop()
        if let postgres {
            let done = DispatchSemaphore(value: 0)
            Task {
                await postgres.stop()
                done.signal()
            }
            done.wait()
        }
        // HOTSPOTPAY_BENCH_KEEP=1 keeps the database and logs for a look afterwards.
        if ProcessInfo.processInfo.environment["HOTSPOTPAY_BENCH_KEEP"] == nil {
            try? FileManager.default.removeItem(at: directory)
        } else {
            FileHandle.standardError.write(Data("kept \(directory.path)\n".utf8))
        }
    }

    /// `rows` transactions from the last 90 days (70 % expired, 30 % paid) with two audit events
    /// each, as a venue's database looks after a year or two.
    static func fill(path: String, rows: Int) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let transaction = try db.makeStatement(
                sql: """
                    INSERT INTO transactions (id, order_code, plan_id, amount_vnd, mac, router_id, provider, status,
                        provider_reference, callback_token, created_at, expires_at, paid_at, updated_at)
                    VALUES (?, ?, '1h', 10000, ?, 'venue', 'sandbox', ?, ?, ?, ?, ?, ?, ?)
                    """)
            let audit = try db.makeStatement(
                sql:
                    "INSERT INTO audit_events (at, kind, actor, transaction_id, amount_vnd, detail) VALUES (?, ?, ?, ?, 10000, '')"
            )
            for index in 0..<rows {
                let created = now - Int64(index % 7_776_000) * 1000 - 3_600_000
                let paid = index % 10 < 3
                let mac = String(
                    format: "06:%02X:%02X:%02X:%02X:%02X", (index >> 32) & 0xFF, (index >> 24) & 0xFF,
                    (index >> 16) & 0xFF, (index >> 8) & 0xFF, index & 0xFF)
                let id = "old-\(index)"
                try transaction.execute(arguments: [
                    id, StoreBenchmark.orderCode(index + 5_000_000), mac, paid ? "paid" : "expired",
                    paid ? "SBXOLD\(index)" : nil, String(format: "f%031x", index), created, created + 900_000,
                    paid ? created + 60_000 : nil, created + 900_000,
                ])
                try audit.execute(arguments: [created, "transaction.created", "portal", id])
                try audit.execute(arguments: [
                    created + 60_000, paid ? "payment.confirmed" : "transaction.expired", "system", id,
                ])
            }
        }
    }
}
