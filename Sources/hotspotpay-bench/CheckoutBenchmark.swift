import AsyncHTTPClient
import Foundation
import GRDB
import HotspotPayCore
import NIOCore
import Payments
import Store
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The checkout's hot path on the real daemon: signed sandbox callbacks for `pending` open
/// transactions, applied (paid, grant, unlock job, audit) and unlocked by CoA at a FreeRADIUS
/// stand-in router. Measured twice: on a fresh database and with `filler` old transactions (and
/// their audit rows) in it. Then the portal's landing page under `wrk`.
enum CheckoutBenchmark {
    static let sandboxSecret = "bench-sandbox-secret"
    static let routerSecret = "bench-router-secret-0123456789"
    /// Callback connections (third argument).
    nonisolated(unsafe) static var connections = 32
    static let key = "5e1f0c2b3a4d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7"

    struct Outcome {
        var callbacksPerSecond: Double
        var burst: Percentiles
        var paced: Percentiles
        var pacedRate: Int
        var failures: Int
    }

    static func run(arguments: [String]) async throws {
        var arguments = arguments
        // `--database postgres` (or HOTSPOTPAY_BENCH_DATABASE=postgres); `--nodes N`: N daemons on
        // one PostgreSQL, the callbacks spread over them as a proxy would.
        if let flag = arguments.firstIndex(of: "--database"), flag + 1 < arguments.count {
            setenv("HOTSPOTPAY_BENCH_DATABASE", arguments[flag + 1], 1)
            arguments.removeSubrange(flag...flag + 1)
        }
        var nodes = 1
        if let flag = arguments.firstIndex(of: "--nodes"), flag + 1 < arguments.count {
            nodes = max(1, Int(arguments[flag + 1]) ?? 1)
            arguments.removeSubrange(flag...flag + 1)
        }
        let pending = arguments.first.flatMap(Int.init) ?? 1000
        let filler = arguments.dropFirst().first.flatMap(Int.init) ?? 1_000_000
        connections = arguments.dropFirst(2).first.flatMap(Int.init) ?? 32
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("hotspotpay").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("\(binary) is missing: build it first (scripts/bench checkout does)")
        }
        print(
            "Checkout benchmark: \(pending) pending transactions, callbacks from \(connections) connections, CoA to FreeRADIUS"
        )
        // Old rows are added to the SQLite file directly; on PostgreSQL the run has none.
        let postgres = ProcessInfo.processInfo.environment["HOTSPOTPAY_BENCH_DATABASE"] == "postgres" || nodes > 1
        if postgres {
            print(
                nodes > 1
                    ? "\(nodes) daemons on one PostgreSQL (a throwaway server; all on the same cores)"
                    : "the daemon on PostgreSQL (a throwaway server on the same cores)")
        }
        for rows in postgres ? [0] : [0, filler] {
            let venue = try await Venue.start(binary: binary, filler: rows, nodes: nodes)
            defer { venue.stop() }
            let outcome = try await measure(venue, pending: pending)
            print(
                String(
                    format:
                        "%@ rows in the database: %.0f verified callbacks/s; callback → CoA-ACK p50 %.1f ms, p99 %.1f ms under that burst; p50 %.1f ms, p99 %.1f ms at %d callbacks/s; %d failures",
                    rows == 0
                        ? (nodes > 1 ? "\(nodes) nodes, no other" : "no other")
                        : "\(rows) old transactions (+\(2 * rows) audit)",
                    outcome.callbacksPerSecond,
                    outcome.burst.p50, outcome.burst.p99, outcome.paced.p50, outcome.paced.p99, outcome.pacedRate,
                    outcome.failures))
            if venue.webhookSubscribed {
                // The dispatcher delivers behind the burst; give it a moment, then count.
                try await Task.sleep(for: .seconds(5))
                let store = try venue.store(key: try SecretKey.fromEnvironment(["HOTSPOTPAY_SECRET_KEY": key])!)
                let counts = try await store.webhookDeliveryCounts()
                print(
                    "  webhooks: \(counts[.delivered] ?? 0) delivered, \(counts[.pending] ?? 0) pending, "
                        + "\(counts[.dead] ?? 0) dead (one endpoint subscribed to every event\(venue.receiver == nil ? ", refusing connections" : ""))"
                )
            }
            if rows == 0 { try landing(venue) }
        }
    }

    // MARK: measuring

    static func measure(_ venue: Venue, pending: Int) async throws -> Outcome {
        let client = HTTPClient(
            configuration: .init(
                connectionPool: .init(
                    idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)))
        do {
            let outcome = try await measure(venue, pending: pending, client: client)
            try await client.shutdown()
            return outcome
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    static func measure(_ venue: Venue, pending: Int, client: HTTPClient) async throws -> Outcome {
        let pacedCount = max(100, pending / 5)
        let warmOrders = try await createPending(200, prefix: 0x30, client: client, venue: venue)
        let burstOrders = try await createPending(pending, prefix: 0x10, client: client, venue: venue)
        let pacedOrders = try await createPending(pacedCount, prefix: 0x20, client: client, venue: venue)
        let store = try venue.store(key: try SecretKey.fromEnvironment(["HOTSPOTPAY_SECRET_KEY": key])!)
        let sandbox = SandboxProvider(secret: Secret(sandboxSecret), walletBaseURL: "http://unused")
        var burstCallbacks: [ProviderCallback] = []
        for id in burstOrders {
            guard let transaction = try await store.transaction(id: id) else { throw BenchError("lost \(id)") }
            burstCallbacks.append(await sandbox.walletCallback(for: transaction, pay: true))
        }
        var pacedCallbacks: [ProviderCallback] = []
        for id in pacedOrders {
            guard let transaction = try await store.transaction(id: id) else { throw BenchError("lost \(id)") }
            pacedCallbacks.append(await sandbox.walletCallback(for: transaction, pay: true))
        }

        // Warm-up (connections, caches, lazily built runtime metadata), not measured; every node.
        let baseURLs = venue.ports.map { "http://127.0.0.1:\($0)" }
        for (index, id) in warmOrders.enumerated() {
            guard let transaction = try await store.transaction(id: id) else { throw BenchError("lost \(id)") }
            _ = try await deliver(
                await sandbox.walletCallback(for: transaction, pay: true), client: client,
                baseURL: baseURLs[index % baseURLs.count], sent: SendTimes())
        }
        try await waitForAcks(warmOrders.count, venue: venue)

        // Paced first, while the burst's transactions are all still pending: one callback every
        // 1/rate s, the way payments really arrive.
        let rate = 100
        let pacedSent = SendTimes()
        let pacedFailures = try await withThrowingTaskGroup(of: Int.self) { group in
            let begin = Date()
            for (index, callback) in pacedCallbacks.enumerated() {
                let due = begin.addingTimeInterval(Double(index) / Double(rate))
                let wait = due.timeIntervalSinceNow
                if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
                let baseURL = baseURLs[index % baseURLs.count]
                group.addTask { try await deliver(callback, client: client, baseURL: baseURL, sent: pacedSent) }
            }
            return try await group.reduce(0, +)
        }
        try await waitForAcks(warmOrders.count + pacedOrders.count, venue: venue)

        // Burst: every callback as fast as the connections carry them.
        FileHandle.standardError.write(Data("burst: \(burstCallbacks.count) callbacks\n".utf8))
        let sent: [String: Int64]
        let elapsed: Double
        let failures: Int
        if ProcessInfo.processInfo.environment["HOTSPOTPAY_BENCH_CLIENT"] == "async-http-client" {
            (sent, elapsed, failures) = try await burstWithClient(
                burstCallbacks, client: client, baseURL: baseURLs[0])
        } else {
            let requests = burstCallbacks.map { callback in
                HTTPBurst.Request(
                    key: callback.token ?? "",
                    bytes: HTTPBurst.post(
                        path: "/callbacks/sandbox/\(callback.token ?? "")", host: "127.0.0.1:\(venue.port)",
                        json: callback.body))
            }
            let result = try HTTPBurst(ports: venue.ports, connections: connections).run(requests)
            for failure in result.failures.prefix(5) {
                FileHandle.standardError.write(Data("callback \(failure)\n".utf8))
            }
            (sent, elapsed, failures) = (result.sent, result.seconds, result.failures.count)
        }
        if failures > 0 { FileHandle.standardError.write(Data("burst: \(failures) callbacks not accepted\n".utf8)) }
        try await waitForAcks(warmOrders.count + pacedOrders.count + burstOrders.count, venue: venue)

        let acks = try await ackTimes(venue)
        return Outcome(
            callbacksPerSecond: Double(burstCallbacks.count) / elapsed,
            burst: Percentiles(latencies(sent, acks)), paced: Percentiles(latencies(pacedSent.all, acks)),
            pacedRate: rate, failures: failures + pacedFailures)
    }

    /// The burst through AsyncHTTPClient (`HOTSPOTPAY_BENCH_CLIENT=async-http-client`), the
    /// generator of the first measurements; heavier than ``HTTPBurst`` on a shared machine.
    static func burstWithClient(_ callbacks: [ProviderCallback], client: HTTPClient, baseURL: String) async throws
        -> (sent: [String: Int64], seconds: Double, failures: Int)
    {
        let sent = SendTimes()
        let start = Date()
        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            var failures = 0
            for _ in 0..<connections {
                guard next < callbacks.count else { break }
                let callback = callbacks[next]
                next += 1
                group.addTask { try await deliver(callback, client: client, baseURL: baseURL, sent: sent) }
            }
            while let failed = try await group.next() {
                failures += failed
                if next < callbacks.count {
                    let callback = callbacks[next]
                    next += 1
                    group.addTask { try await deliver(callback, client: client, baseURL: baseURL, sent: sent) }
                }
            }
            return failures
        }
        return (sent.all, Date().timeIntervalSince(start), failures)
    }

    static func latencies(_ sent: [String: Int64], _ acks: [String: Int64]) -> [Double] {
        sent.compactMap { id, at in acks[id].map { Double($0 - at) } }
    }

    /// `count` pending transactions through the API, 16 at a time.
    static func createPending(_ count: Int, prefix: Int, client: HTTPClient, venue: Venue) async throws -> [String] {
        let baseURL = venue.baseURL
        return try await withThrowingTaskGroup(of: String.self) { group in
            var ids: [String] = []
            for index in 0..<count {
                if index >= 16, let id = try await group.next() { ids.append(id) }
                group.addTask { try await createOne(index, prefix: prefix, client: client, baseURL: baseURL) }
            }
            for try await id in group { ids.append(id) }
            return ids
        }
    }

    static func createOne(_ index: Int, prefix: Int, client: HTTPClient, baseURL: String) async throws -> String {
        let mac = String(
            format: "02:%02X:00:%02X:%02X:%02X", prefix, (index >> 16) & 0xFF, (index >> 8) & 0xFF, index & 0xFF)
        return try await createOne(index, mac: mac, client: client, baseURL: baseURL)
    }

    static func createOne(_ index: Int, mac: String, client: HTTPClient, baseURL: String) async throws -> String {
        var request = HTTPClientRequest(url: "\(baseURL)/api/transactions")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(
            ByteBuffer(
                string: #"{"plan":"1h","provider":"sandbox","mac":"\#(mac)","ip":"10.5.50.9","router":"venue"}"#))
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 16)
        guard response.status == .created,
            let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let id = json["id"] as? String
        else { throw BenchError("creating a transaction answered \(response.status): \(String(buffer: body))") }
        return id
    }

    /// Sends one callback; 1 when it was not accepted.
    static func deliver(_ callback: ProviderCallback, client: HTTPClient, baseURL: String, sent: SendTimes)
        async throws -> Int
    {
        var request = HTTPClientRequest(url: "\(baseURL)/callbacks/sandbox/\(callback.token ?? "")")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: callback.body))
        sent.record(callback.token ?? "", at: Int64(Date().timeIntervalSince1970 * 1000))
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 16)
        guard (200..<300).contains(Int(response.status.code)) else {
            FileHandle.standardError.write(Data("callback answered \(response.status): \(String(buffer: body))\n".utf8))
            return 1
        }
        return 0
    }

    static func waitForAcks(_ count: Int, venue: Venue) async throws {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let acked =
                Int(
                    try await venue.query(
                        "SELECT count(*) FROM unlock_jobs WHERE status IN ('acked', 'confirming', 'unconfirmed')"
                    ).first?.first ?? "")
                ?? 0
            if acked >= count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        let states = try await venue.query(
            "SELECT status, count(*) AS n, max(last_error) AS e FROM unlock_jobs GROUP BY status"
        ).map { $0.joined(separator: " ") }
        throw BenchError(
            "not every unlock was acknowledged within 120 s (wanted \(count)): \(states.joined(separator: ", "))")
    }

    /// Callback token → when the router's ACK was recorded (ms since 1970).
    static func ackTimes(_ venue: Venue) async throws -> [String: Int64] {
        var times: [String: Int64] = [:]
        for row in try await venue.query(
            """
            SELECT t.callback_token AS token, min(a.at) AS at FROM audit_events a
            JOIN transactions t ON t.id = a.transaction_id
            WHERE a.kind IN ('unlock.acknowledged', 'unlock.router_acknowledged') GROUP BY t.callback_token
            """) where row.count == 2
        {
            times[row[0]] = Int64(row[1])
        }
        return times
    }

    /// The landing page (plans for a device with nothing to resume) under wrk.
    static func landing(_ venue: Venue) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") else {
            print("landing page: wrk is not installed (scripts/bench checkout installs it)")
            return
        }
        let url = "\(venue.baseURL)/?mac=02:30:00:00:00:01&ip=10.5.50.9&router=venue-hap"
        let output = try ChildProcess.capture("/usr/bin/wrk", ["-t2", "-c64", "-d10s", "--latency", url])
        let requests = output.split(separator: "\n").first { $0.hasPrefix("Requests/sec:") } ?? "Requests/sec: ?"
        let p99 = output.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("99%") }
        let errors = output.split(separator: "\n").filter { $0.contains("Non-2xx") || $0.contains("Socket errors") }
        print(
            "landing page (wrk -t2 -c64 -d10s): \(requests.dropFirst("Requests/sec:".count).trimmingCharacters(in: .whitespaces)) req/s, p99 \(p99.map { $0.split(separator: " ").last.map(String.init) ?? "?" } ?? "?")"
                + (errors.isEmpty ? "" : " — " + errors.joined(separator: "; ")))
    }
}

/// When each callback left, by callback token.
final class SendTimes: Sendable {
    private let times = Mutex<[String: Int64]>([:])
    func record(_ token: String, at: Int64) { times.withLock { $0[token] = at } }
    var all: [String: Int64] { times.withLock { $0 } }
}

struct Percentiles {
    var p50: Double
    var p99: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        func at(_ fraction: Double) -> Double {
            sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
        }
        p50 = at(0.5)
        p99 = at(0.99)
    }
}
