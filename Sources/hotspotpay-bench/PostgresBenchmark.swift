import Foundation
import HotspotPayCore
import Logging
import PostgresStore
import Store
import TestSupport

/// `hotspotpay-bench postgres [payments]`: the payment path on PostgreSQL beside SQLite (the same
/// confirmations, one at a time and 16 at once, through the store), and how long a grant change
/// on one node takes to reach another node's in-memory access view (LISTEN/NOTIFY). A throwaway
/// PostgreSQL server on this machine (fsync off, every commit written before it is
/// acknowledged), so the figures are the code's and the protocol's, not a disk's.
enum PostgresBenchmark {
    static func run(arguments: [String]) async throws {
        let payments = arguments.first.flatMap(Int.init) ?? 2000
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let cluster = try await PostgresCluster.start("bench")
        defer { Task { await cluster.stop() } }
        let key = try SecretKey(bytes: Array(repeating: 5, count: 32))
        let url = try PostgresURL(cluster.url)
        let nodeA = PostgresStore(url: url, password: nil, cipher: SecretCipher(key: key), logger: logger)
        let nodeB = PostgresStore(url: url, password: nil, cipher: SecretCipher(key: key), logger: logger)
        try await nodeA.migrate()
        let version = try await nodeA.serverVersion()
        print("PostgreSQL benchmark: \(payments) payments per run, PostgreSQL \(version), one machine (2 cores)")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hotspotpay-pgbench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlite = try SQLiteStore(
            path: directory.appendingPathComponent("bench.sqlite").path, cipher: SecretCipher(key: key))
        for store in [nodeA, sqlite] as [any HotspotStore] { try await seed(store) }

        for (name, store, other) in [
            ("SQLite", sqlite as any HotspotStore, sqlite as any HotspotStore),
            ("PostgreSQL, one node", nodeA, nodeA), ("PostgreSQL, two nodes", nodeA, nodeB),
        ] {
            let sequential = try await confirmations(store, other, count: payments, concurrency: 1, tag: "\(name)s")
            let concurrent = try await confirmations(store, other, count: payments, concurrency: 16, tag: "\(name)c")
            print(
                String(
                    format:
                        "%@: %.0f confirmations/s one at a time (p50 %.2f ms, p99 %.2f ms); %.0f/s 16 at once (p99 %.1f ms)",
                    name, sequential.perSecond, sequential.latency.p50, sequential.latency.p99, concurrent.perSecond,
                    concurrent.latency.p99))
        }

        // Propagation: node A confirms, node B's access view has the grant.
        let view = PostgresAccessView(store: nodeB, resyncSeconds: 3600, logger: logger)
        try await view.load()
        let running = Task { await view.run() }
        defer { running.cancel() }
        while !view.health.listening { try await Task.sleep(for: .milliseconds(10)) }
        var delays: [Double] = []
        for index in 0..<min(payments, 1000) {
            let mac = MACAddress(octets: [
                0x06, 0, 0, UInt8(index >> 16 & 0xFF), UInt8(index >> 8 & 0xFF), UInt8(index & 0xFF),
            ])
            let sale = try await pending(nodeA, mac: mac)
            let started = ContinuousClock.now
            _ = try await nodeA.confirmPayment(confirmation(sale, reference: "P\(index)"))
            while try view.activeGrantForAccess(mac: mac) == nil {
                try await Task.sleep(for: .microseconds(100))
                if ContinuousClock.now - started > .seconds(5) { throw BenchError("grant \(index) never arrived") }
            }
            delays.append(milliseconds(ContinuousClock.now - started))
        }
        let propagation = Percentiles(delays)
        print(
            String(
                format:
                    "grant change on node A → node B's access view (from the confirmation's start, commit included): p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d payments",
                propagation.p50, propagation.p99, delays.max() ?? .nan, delays.count))
        let health = view.health
        print(
            "access view after the run: \(health.activeGrants) active grants, \(health.notifications) notifications applied"
        )
        nodeA.close()
        nodeB.close()
    }

    static func seed(_ store: any HotspotStore) async throws {
        try await store.addPlan(
            Plan(
                id: "1h", name: LocalizedText(vi: "1 giờ", en: "1 hour"), price: Money(dong: 10_000),
                durationSeconds: 3600), actor: "bench")
        try await store.addRouter(
            Router(
                id: "cafe", name: "Cafe", nasIdentifier: "cafe", address: try IPAddress("10.0.0.1"),
                secret: Secret("bench-radius-secret-0123"), strategy: .coa,
                captiveAttributes: [try RadiusAttribute(parsing: "Mikrotik-Group = portal-only")]), actor: "bench")
    }

    static func pending(_ store: any HotspotStore, mac: MACAddress) async throws -> Transaction {
        let plan = try await store.plan(id: "1h")!
        var generator = SystemRandomNumberGenerator()
        let sale = Transaction.pending(
            plan: plan, mac: mac, clientIP: nil, routerID: "cafe", provider: .sandbox, now: Date(),
            paymentWindowSeconds: 900, using: &generator)
        try await store.insertTransaction(sale, actor: "bench")
        return sale
    }

    static func confirmation(_ sale: Transaction, reference: String) -> PaymentConfirmation {
        PaymentConfirmation(
            transactionID: sale.id, provider: sale.provider, providerReference: reference, amount: sale.amount,
            at: Date(), actor: "provider:bench")
    }

    struct Run {
        var perSecond: Double
        var latency: Percentiles
    }

    /// `count` purchases created first, then confirmed `concurrency` at a time, alternating
    /// between `store` and `other` (two nodes when they differ).
    static func confirmations(
        _ store: any HotspotStore, _ other: any HotspotStore, count: Int, concurrency: Int, tag: String
    ) async throws -> Run {
        var sales: [Transaction] = []
        for index in 0..<count {
            let mac = try MACAddress(
                String(
                    format: "0A:%02X:%02X:%02X:%02X:%02X", tag.hashValue & 0xFF, concurrency, index >> 16 & 0xFF,
                    index >> 8 & 0xFF, index & 0xFF))
            sales.append(try await pending(store, mac: mac))
        }
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: Double.self) { group in
            var latencies: [Double] = []
            for (index, sale) in sales.enumerated() {
                let node = index.isMultiple(of: 2) ? store : other
                group.addTask {
                    let start = ContinuousClock.now
                    guard
                        case .applied = try await node.confirmPayment(confirmation(sale, reference: "\(tag)-\(index)"))
                    else { throw BenchError("payment \(index) not applied") }
                    return milliseconds(ContinuousClock.now - start)
                }
                if index >= concurrency - 1, let latency = try await group.next() { latencies.append(latency) }
            }
            for try await latency in group { latencies.append(latency) }
            return latencies
        }
        let seconds =
            Double((ContinuousClock.now - started).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - started).components.seconds)
        return Run(perSecond: Double(count) / seconds, latency: Percentiles(latencies))
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
