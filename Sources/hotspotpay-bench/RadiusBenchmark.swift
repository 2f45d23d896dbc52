import Foundation
import GRDB
import Radius
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// MAC authentication throughput: the real daemon (`hotspotpay serve` on its embedded defaults)
/// with `macs` paid devices in its SQLite file, then FreeRADIUS 3.2 with the same MACs in its
/// `files` module answering the same attributes, both driven by ``RadiusLoad``.
enum RadiusBenchmark {
    static let secret = "demo-radius-secret-change-me"  // the embedded defaults' demo router

    static func run(arguments: [String]) async throws {
        var arguments = arguments
        var postgres = false
        if let flag = arguments.firstIndex(of: "--database"), flag + 1 < arguments.count {
            postgres = arguments[flag + 1] == "postgres"
            arguments.removeSubrange(flag...(flag + 1))
        }
        let macCount = arguments.first.flatMap(Int.init) ?? 100_000
        let seconds = arguments.dropFirst().first.flatMap(Double.init) ?? 10
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("hotspotpay").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("\(binary) is missing: build it first (scripts/bench radius does)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hotspotpay-radius-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try RadiusDictionary.load()
        let macs = (0..<macCount).map(mac)
        print(
            "RADIUS MAC-auth benchmark: \(macCount) paid MACs, \(Int(seconds)) s per server, 2 sockets × 64 in flight"
                + (postgres ? ", hotspotpay on PostgreSQL (answered from each node's memory)" : ""))

        // Ours: the daemon binary with its own store.
        let data = directory.appendingPathComponent("data")
        var cluster: PostgresCluster?
        var environment: [String: String] = [:]
        if postgres {
            let server = try await PostgresCluster.start("radius-bench")
            cluster = server
            environment["HOTSPOTPAY_DATABASE_URL"] = server.url
        }
        func startDaemon(_ name: String) throws -> (ChildProcess, Int) {
            let daemon = try ChildProcess(
                binary,
                [
                    "serve", "--data-dir", data.path, "--listen", "127.0.0.1:0", "--radius-auth", "127.0.0.1:0",
                    "--radius-acct", "127.0.0.1:0", "--log-level", "warning",
                ], output: directory.appendingPathComponent(name), environment: environment)
            let line = try daemon.waitForOutput(containing: "RADIUS listening on auth ", timeout: 300)
            guard let port = authPort(line) else { throw BenchError("no RADIUS port in '\(line)'") }
            return (daemon, port)
        }
        var (daemon, ourPort) = try startDaemon("daemon.out")
        let paidAttributes: [String]
        if let cluster {
            // The grants go in while the daemon is stopped: it loads them all at start (timed), as a
            // node does after a restart, instead of one NOTIFY per row.
            daemon.stop()
            paidAttributes = try await fillGrants(cluster: cluster, macs: macs)
            let loading = Date()
            (daemon, ourPort) = try startDaemon("daemon-2.out")
            print(
                String(
                    format: "hotspotpay started on PostgreSQL with %d active grants loaded into memory in %.1f s",
                    macCount, Date().timeIntervalSince(loading)))
        } else {
            paidAttributes = try await fillGrants(
                path: data.appendingPathComponent("hotspotpay.sqlite").path, macs: macs)
        }
        let ours = RadiusLoad(port: ourPort, secret: secret, macs: macs, seconds: seconds).run()
        daemon.stop()
        await cluster?.stop()
        report(postgres ? "hotspotpay (PostgreSQL)" : "hotspotpay", ours)

        // FreeRADIUS with the same MACs and the same reply.
        let peerDirectory = directory.appendingPathComponent("freeradius")
        try FileManager.default.createDirectory(at: peerDirectory, withIntermediateDirectories: true)
        let authorize = peerDirectory.appendingPathComponent("authorize")
        let reply =
            [
                "Session-Timeout = 3600", "Mikrotik-Rate-Limit = \"2M/10M\"", "Mikrotik-Total-Limit = 705032704",
                "Mikrotik-Total-Limit-Gigawords = 1", "Acct-Interim-Interval = 300",
            ] + paidAttributes.map(quoted)
        let entry = reply.map { "\t" + $0 }.joined(separator: ",\n")
        var file = ""
        file.reserveCapacity(macCount * 250)
        for mac in macs { file += "\"\(mac)\" Auth-Type := Accept\n\(entry)\n\n" }
        try file.write(to: authorize, atomically: true, encoding: .utf8)
        let peerPort = try LocalPort.free(.udp)
        let template = try String(
            contentsOf: URL(fileURLWithPath: "radius/bench-peer/radiusd.conf.in"), encoding: .utf8)
        try template.replacingOccurrences(of: "@PORT@", with: String(peerPort))
            .replacingOccurrences(of: "@SECRET@", with: secret)
            .replacingOccurrences(of: "@AUTHORIZE@", with: authorize.path)
            .write(to: peerDirectory.appendingPathComponent("radiusd.conf"), atomically: true, encoding: .utf8)
        let loadStart = Date()
        let freeradius = try ChildProcess(
            "/usr/sbin/freeradius", ["-f", "-d", peerDirectory.path],
            output: directory.appendingPathComponent("freeradius.out"))
        try freeradius.waitForFile(
            peerDirectory.appendingPathComponent("radiusd.log"), containing: "Ready to process requests")
        print(
            String(
                format: "FreeRADIUS loaded %d users from files in %.1f s", macCount, Date().timeIntervalSince(loadStart)
            ))
        let theirs = RadiusLoad(port: peerPort, secret: secret, macs: macs, seconds: seconds).run()
        freeradius.stop()
        report("FreeRADIUS \(freeradiusVersion())", theirs)
        print(String(format: "ratio hotspotpay / FreeRADIUS: %.2f×", ours.perSecond / max(theirs.perSecond, 1)))
    }

    static func mac(_ index: Int) -> String {
        String(format: "02:00:00:%02X:%02X:%02X", (index >> 16) & 0xFF, (index >> 8) & 0xFF, index & 0xFF)
    }

    static func authPort(_ line: String) -> Int? {
        guard let range = line.range(of: "auth ") else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }

    static func quoted(_ attribute: String) -> String {
        guard let equals = attribute.range(of: " = ") else { return attribute }
        let value = attribute[equals.upperBound...]
        if value.hasPrefix("\"") || Int(value) != nil { return attribute }
        return attribute[..<equals.upperBound] + "\"\(value)\""
    }

    static func report(_ name: String, _ result: RadiusLoad.Result) {
        let latency = result.latency
        print(
            String(
                format:
                    "%@: %.0f Access-Requests/s (%d accepts, %d rejects, %d lost, %d bad), p50 %.2f ms, p99 %.2f ms",
                name, result.perSecond, result.accepts, result.rejects, result.lost, result.badReplies, latency.p50,
                latency.p99))
        print("  sample reply: " + result.sample.joined(separator: ", "))
    }

    /// 100,000 devices that bought the demo's first plan a minute ago: transaction, grant and
    /// the link between them, as the checkout leaves them. Returns the router's paid attributes.
    static func fillGrants(path: String, macs: [String]) async throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        return try await queue.write { db in
            let planID = try String.fetchOne(db, sql: "SELECT id FROM plans ORDER BY display_order LIMIT 1") ?? "1h"
            let routerID = try String.fetchOne(db, sql: "SELECT id FROM routers LIMIT 1") ?? "demo"
            let attributes = try String.fetchOne(db, sql: "SELECT paid_attributes FROM routers LIMIT 1") ?? "[]"
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let transaction = try db.makeStatement(
                sql: """
                    INSERT INTO transactions (id, order_code, plan_id, amount_vnd, mac, router_id, provider, status,
                        provider_reference, callback_token, created_at, expires_at, paid_at, updated_at)
                    VALUES (?, ?, ?, 10000, ?, ?, 'sandbox', 'paid', ?, ?, ?, ?, ?, ?)
                    """)
            let grant = try db.makeStatement(
                sql: """
                    INSERT INTO grants (id, mac, status, starts_at, valid_until, download_bps, upload_bps,
                        data_remaining_bytes, created_at, updated_at)
                    VALUES (?, ?, 'active', ?, ?, 10000000, 2000000, 5000000000, ?, ?)
                    """)
            let link = try db.makeStatement(
                sql: "INSERT INTO grant_transactions (grant_id, transaction_id, position) VALUES (?, ?, 0)")
            for (index, mac) in macs.enumerated() {
                let started = now - 60_000
                try transaction.execute(arguments: [
                    "b\(index)", StoreBenchmark.orderCode(index + 1_000_000), planID, mac, routerID, "SBX\(index)",
                    String(format: "%032x", index), started - 60_000, started + 840_000, started, started,
                ])
                try grant.execute(arguments: ["bg\(index)", mac, started, started + 3_600_000, started, started])
                try link.execute(arguments: ["bg\(index)", "b\(index)"])
            }
            try db.execute(sql: "ANALYZE")
            let lines = try JSONDecoder().decode([String].self, from: Data(attributes.utf8))
            return lines
        }
    }

    /// The same devices in PostgreSQL, in three statements (`generate_series`), through `psql`.
    static func fillGrants(cluster: PostgresCluster, macs: [String]) async throws -> [String] {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let started = now - 60_000
        let count = macs.count
        let mac =
            "'02:00:00:' || lpad(to_hex(i / 65536 % 256), 2, '0') || ':' || lpad(to_hex(i / 256 % 256), 2, '0') || ':' || lpad(to_hex(i % 256), 2, '0')"
        _ = try await cluster.psql(
            """
            INSERT INTO transactions (id, order_code, plan_id, amount_vnd, mac, router_id, provider, status,
                provider_reference, callback_token, created_at, expires_at, paid_at, updated_at)
            SELECT 'b' || i, 'B' || lpad(i::text, 7, '0'), (SELECT id FROM plans ORDER BY display_order LIMIT 1),
                10000, upper(\(mac)), (SELECT id FROM routers LIMIT 1), 'sandbox', 'paid', 'SBX' || i,
                lpad(to_hex(i), 32, '0'), \(started - 60_000), \(started + 840_000), \(started), \(started)
            FROM generate_series(0, \(count - 1)) AS i;
            INSERT INTO grants (id, mac, status, starts_at, valid_until, download_bps, upload_bps,
                data_remaining_bytes, created_at, updated_at)
            SELECT 'bg' || i, upper(\(mac)), 'active', \(started), \(started + 3_600_000), 10000000, 2000000,
                5000000000, \(started), \(started)
            FROM generate_series(0, \(count - 1)) AS i;
            INSERT INTO grant_transactions (grant_id, transaction_id, position)
            SELECT 'bg' || i, 'b' || i, 0 FROM generate_series(0, \(count - 1)) AS i;
            ANALYZE;
            """)
        let attributes = try await cluster.psql("SELECT paid_attributes FROM routers LIMIT 1")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return try JSONDecoder().decode([String].self, from: Data(attributes.utf8))
    }

    static func freeradiusVersion() -> String {
        let output = (try? ChildProcess.capture("/usr/sbin/freeradius", ["-v"])) ?? ""
        let first = output.split(separator: "\n").first.map(String.init) ?? ""
        guard let range = first.range(of: "Version ") else { return "3.2" }
        return String(first[range.upperBound...].prefix { $0 != "," })
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
