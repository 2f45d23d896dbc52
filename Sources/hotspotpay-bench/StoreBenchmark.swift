import Foundation
import GRDB
import HotspotPayCore
import Store

/// Measures the store at venue scale: a database with `rows` transactions (mostly finished
/// history, a few pending), then the sweeper's queries and the payment path on top of it.
enum StoreBenchmark {
    static func run(arguments: [String]) async throws {
        let rows = arguments.first.flatMap(Int.init) ?? 1_000_000
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hotspotpay-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bench.sqlite").path
        let key = try SecretKey(bytes: Array(repeating: 5, count: 32))
        let store = try SQLiteStore(path: path, cipher: SecretCipher(key: key))
        let plan = Plan(
            id: "1h", name: LocalizedText(vi: "1 giờ", en: "1 hour"), price: Money(dong: 10_000), durationSeconds: 3600)
        try await store.addPlan(plan, actor: "bench")
        try await store.addRouter(
            Router(
                id: "cafe", name: "Cafe", nasIdentifier: "cafe", address: try IPAddress("10.0.0.1"),
                secret: Secret("bench-radius-secret-0123")), actor: "bench")

        print("hotspotpay store benchmark: \(rows) history rows, SQLite \(try await sqliteVersion(path))")
        let fillSeconds = try await measure { try await fill(path: path, rows: rows) }
        print(String(format: "fill: %d transactions + %d grants in %.1f s", rows, rows / 2, fillSeconds))

        let now = Date()
        for (name, query) in [
            ("pending past expiry", { _ = try await store.pendingTransactions(expiredAt: now, limit: 100) }),
            ("grants past end", { _ = try await store.grantsPastEnd(at: now, limit: 100) }),
            ("due unlock jobs", { _ = try await store.dueUnlockJobs(at: now, limit: 100) }),
            (
                "latest transaction by MAC",
                { _ = try await store.latestTransaction(mac: try MACAddress("02:00:00:00:12:34")) }
            ),
        ] as [(String, () async throws -> Void)] {
            let samples = try await latencies(count: 2000, query)
            print(String(format: "%@: p50 %.3f ms, p99 %.3f ms", name, samples.p50, samples.p99))
        }

        // HOTSPOTPAY_BENCH_WEBHOOK=1: one endpoint subscribed to every event, so each confirmation
        // also writes its two events and deliveries (nothing sends them here: the outbox's cost alone).
        if ProcessInfo.processInfo.environment["HOTSPOTPAY_BENCH_WEBHOOK"] == "1" {
            try await store.addWebhookEndpoint(
                WebhookEndpoint(
                    id: "bench", url: "https://pms.example.com/hooks", events: Set(WebhookEventType.all),
                    secret: Secret("whsec_bench_0123456789abcdef"), createdAt: Date()), actor: "bench")
            print("webhook endpoint subscribed to every event")
        }

        // Guests buying: insert pending transactions, then confirm each (grant + unlock job + audit).
        var generator = SystemRandomNumberGenerator()
        let count = 2000
        var pending: [Transaction] = []
        var collisions = 0
        let insertSeconds = try await measure {
            for index in 0..<count {
                let mac = MACAddress(octets: [0x0A, 0, 0, 0, UInt8(index >> 8), UInt8(index & 0xFF)])
                while true {
                    let transaction = Transaction.pending(
                        plan: plan, mac: mac, clientIP: nil, routerID: "cafe", provider: .sandbox, now: Date(),
                        paymentWindowSeconds: 900, using: &generator)
                    do {
                        try await store.insertTransaction(transaction, actor: "bench")
                        pending.append(transaction)
                        break
                    } catch {
                        guard case .duplicate(_, "order_code", _)? = error as? StoreError else { throw error }
                        collisions += 1  // what CheckoutService does: draw another code
                    }
                }
            }
        }
        print("order code collisions: \(collisions) in \(count) new transactions (retried with a new code)")
        print(String(format: "create transaction: %.0f/s (sequential, %d)", Double(count) / insertSeconds, count))
        let confirmations = pending.enumerated().map { index, transaction in
            PaymentConfirmation(
                transactionID: transaction.id, provider: .sandbox, providerReference: "BENCH-\(index)",
                amount: transaction.amount, at: Date(), actor: "bench")
        }
        var confirmLatencies: [Double] = []
        let confirmSeconds = try await measure {
            for confirmation in confirmations.prefix(count / 2) {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try await store.confirmPayment(confirmation)
                confirmLatencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
            }
        }
        let confirmStats = Latencies(confirmLatencies)
        print(
            String(
                format: "confirm payment: %.0f/s sequential, p50 %.3f ms, p99 %.3f ms",
                Double(count / 2) / confirmSeconds,
                confirmStats.p50, confirmStats.p99))
        let rest = Array(confirmations.suffix(count / 2))
        let concurrentSeconds = try await measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        for (index, confirmation) in rest.enumerated() where index % 16 == worker {
                            _ = try await store.confirmPayment(confirmation)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        print(
            String(format: "confirm payment: %.0f/s with 16 concurrent callers", Double(rest.count) / concurrentSeconds)
        )
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        print(String(format: "database file: %.0f MB", Double(size) / 1_000_000))
    }

    static func sqliteVersion(_ path: String) async throws -> String {
        try await DatabaseQueue(path: path).read { db in try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? "?"
        }
    }

    /// Bulk history in one transaction with raw SQL: the benchmark is about reading it back.
    static func fill(path: String, rows: Int) async throws {
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let transaction = try db.makeStatement(
                sql: """
                    INSERT INTO transactions (id, order_code, plan_id, amount_vnd, mac, router_id, provider, status,
                        provider_reference, callback_token, created_at, expires_at, paid_at, updated_at)
                    VALUES (?, ?, '1h', 10000, ?, 'cafe', 'momo', ?, ?, ?, ?, ?, ?, ?)
                    """)
            let grant = try db.makeStatement(
                sql: """
                    INSERT INTO grants (id, mac, status, starts_at, valid_until, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
            for index in 0..<rows {
                let created = now - Int64(rows - index) * 30_000
                let status = index % 1000 == 0 ? "pending" : (index % 4 == 0 ? "expired" : "paid")
                let mac = String(
                    format: "02:00:00:%02X:%02X:%02X", (index >> 16) & 0xFF, (index >> 8) & 0xFF, index & 0xFF)
                try transaction.execute(arguments: [
                    "h\(index)", orderCode(index), mac, status, status == "paid" ? "R\(index)" : nil,
                    String(format: "%032x", index), created, created + 900_000,
                    status == "paid" ? created + 60_000 : nil, created,
                ])
                if index % 2 == 0 {
                    let end = created + 3_600_000
                    try grant.execute(arguments: [
                        "g\(index)", mac, end > now ? "active" : "ended", created, end, created, created,
                    ])
                }
            }
            try db.execute(sql: "ANALYZE")
        }
    }

    /// The index written in the order-code alphabet, so every row reads back as valid.
    nonisolated static func orderCode(_ index: Int) -> String {
        var value = index
        var characters: [UInt8] = []
        for _ in 0..<OrderCode.length {
            characters.append(OrderCode.alphabet[value % OrderCode.alphabet.count])
            value /= OrderCode.alphabet.count
        }
        return String(decoding: characters, as: UTF8.self)
    }

    static func measure(_ body: () async throws -> Void) async throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000_000
    }

    static func latencies(count: Int, _ body: () async throws -> Void) async throws -> Latencies {
        var samples: [Double] = []
        for _ in 0..<count {
            let start = DispatchTime.now().uptimeNanoseconds
            try await body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
        }
        return Latencies(samples)
    }
}

struct Latencies {
    let p50: Double
    let p99: Double
    init(_ samples: [Double]) {
        let sorted = samples.sorted()
        p50 = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        p99 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
    }
}
