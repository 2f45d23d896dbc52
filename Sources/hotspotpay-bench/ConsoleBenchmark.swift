import Console
import Foundation
import HotspotPayCore
import Logging
import Payments
import Store

/// `hotspotpay-bench console [rows]`: the operator console's questions against a database with
/// `rows` sales of history — what an operator waits for on each page, and the cost of signing in.
enum ConsoleBenchmark {
    static func run(arguments: [String]) async throws {
        let rows = arguments.first.flatMap(Int.init) ?? 1_000_000
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hotspotpay-console-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bench.sqlite").path
        let store = try SQLiteStore(
            path: path, cipher: SecretCipher(key: try SecretKey(bytes: Array(repeating: 5, count: 32))))
        try await store.addPlan(
            Plan(
                id: "1h", name: LocalizedText(vi: "1 giờ", en: "1 hour"), price: Money(dong: 10_000),
                durationSeconds: 3600),
            actor: "bench")
        print("hotspotpay console benchmark: \(rows) sales of history")
        let fill = try await StoreBenchmark.measure { try await StoreBenchmark.fill(path: path, rows: rows) }
        print(String(format: "fill: %.1f s", fill))

        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let console = OperatorConsole(store: store, providers: PaymentProviders([]), logger: logger)
        let hasher = CryptPasswordHasher()
        let hashing = try await StoreBenchmark.latencies(count: 20) { _ = try hasher.hash("correct horse battery") }
        print(String(format: "password hash (yescrypt, cost %d): p50 %.1f ms", hasher.cost, hashing.p50))
        _ = try await console.accounts.addOperator(
            username: "bench", displayName: "", password: "correct horse battery", actor: "bench")
        var cookie = ""
        let signIn = try await StoreBenchmark.latencies(count: 20) {
            cookie = try await console.accounts.signIn(
                username: "bench", password: "correct horse battery", address: "127.0.0.1"
            ).cookieToken
        }
        print(String(format: "sign-in (verify + session write): p50 %.1f ms, p99 %.1f ms", signIn.p50, signIn.p99))

        let today = console.venue.dayText(Date())
        let monthAgo = console.venue.dayText(Date().addingTimeInterval(-30 * 86_400))
        let someMAC = "02:00:00:00:12:34"
        let someSale = try await store.transactions(matching: TransactionFilter(limit: 1)).first!.id
        for (name, count, query) in [
            ("session cookie → operator", 2000, { _ = try await console.accounts.identity(sessionCookie: cookie) }),
            ("dashboard summary", 200, { _ = try await console.dashboard.summary() }),
            ("sales page 1, no filter (with total)", 200, { _ = try await console.sales.search(SalesQuery()) }),
            (
                "sales page 1, status=paid (with total)", 50,
                { _ = try await console.sales.search(try SalesQuery(parameters: ["status": "paid"])) }
            ),
            (
                "sales by MAC", 500,
                { _ = try await console.sales.search(try SalesQuery(parameters: ["mac": someMAC])) }
            ),
            (
                "sales for one day", 200,
                { _ = try await console.sales.search(try SalesQuery(parameters: ["from": today, "to": today])) }
            ),
            ("sale detail with timeline", 500, { _ = try await console.sales.sale(id: someSale) }),
            (
                "revenue, 30 days by day", 20,
                { _ = try await console.dashboard.revenue(from: monthAgo, to: today, by: .day) }
            ),
            (
                "revenue, 30 days by plan", 20,
                { _ = try await console.dashboard.revenue(from: monthAgo, to: today, by: .plan) }
            ),
            ("audit log page", 500, { _ = try await console.dashboard.audit(before: nil, kind: nil) }),
            ("/metrics transaction counts", 10, { _ = try await store.transactionCounts() }),
        ] as [(String, Int, () async throws -> Void)] {
            let samples = try await StoreBenchmark.latencies(count: count, query)
            print(String(format: "%@: p50 %.2f ms, p99 %.2f ms", name, samples.p50, samples.p99))
        }
        var csvBytes = 0
        let csv = try await StoreBenchmark.measure {
            csvBytes = try await console.sales.csv(try SalesQuery(parameters: ["from": monthAgo, "to": today])).utf8
                .count
        }
        print(String(format: "CSV export, last 30 days: %.2f s, %.1f MB", csv, Double(csvBytes) / 1_000_000))
    }
}
