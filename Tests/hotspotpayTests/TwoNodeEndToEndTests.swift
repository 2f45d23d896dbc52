import Foundation
import HotspotPayCore
import Logging
import Payments
import PostgresStore
import Store
import Synchronization
import TestSupport
import Testing

/// Two real daemons on one PostgreSQL and one router (FreeRADIUS standing in for its CoA port):
/// purchases and callbacks spread over both nodes, 50-way duplicate storms split between them,
/// one node killed with SIGKILL mid-burst and PostgreSQL restarted mid-run. Every payment must be
/// applied once and unlocked once, and the surviving node must answer every Access-Request
/// throughout (radclient), PostgreSQL down or not.
@Suite(.serialized) struct TwoNodeEndToEndTests {
    struct RadiusTally: Sendable, CustomStringConvertible {
        var asked = 0
        var answered = 0
        var accepted = 0
        var whileDatabaseDown = 0
        var description: String {
            "\(asked) asked, \(answered) answered, \(accepted) accepted (\(whileDatabaseDown) while PostgreSQL was down)"
        }
    }

    static let sales = 300
    static let storms = 10

    /// A value shared by the test's concurrent tasks.
    final class Shared<Value: Sendable>: Sendable {
        private let value: Mutex<Value>
        init(_ value: Value) { self.value = Mutex(value) }
        func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { value.withLock { body(&$0) } }
    }

    /// A "<action> <status>" tally key for a job the router acknowledged (the FreeRADIUS peer
    /// standing in for it reports no sessions, so no job gets past waiting for its confirmation).
    static func acknowledged(_ key: String) -> Bool {
        ["confirming", "unconfirmed", "acked"].contains { key.hasSuffix(" " + $0) }
    }

    static func mac(_ index: Int) -> String { String(format: "F2:00:00:00:%02X:%02X", index / 256, index % 256) }

    @Test func twoNodesSellEveryPassOnceThroughKillNineAndADatabaseRestart() async throws {
        let cluster = try await PostgresCluster.start()
        let peer = try await FreeRADIUSPeer(secret: VenueDaemon.routerSecret)
        let database = "database: \(cluster.url)"
        let nodeA = try VenueDaemon(
            coaPort: peer.port, resendAfter: "31s", checkoutLimitPerAddress: 10_000, moreConfig: database)
        let nodeB = try VenueDaemon(
            coaPort: peer.port, resendAfter: "31s", checkoutLimitPerAddress: 10_000, moreConfig: database)
        // Both start at once: one applies the migrations, the other waits for it.
        async let startedA: Void = nodeA.start()
        async let startedB: Void = nodeB.start()
        _ = try await (startedA, startedB)
        let radiusA = try #require(try await nodeA.process?.waitForRadius())

        let store = try nodeA.postgresStore(cluster.url)
        defer { store.close() }

        // 300 purchases, created on both nodes.
        let created = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var ids: [Int: String] = [:]
            for index in 0..<Self.sales {
                let node = index.isMultiple(of: 2) ? nodeA : nodeB
                group.addTask {
                    let reply = try await HTTP.postJSON(
                        URL(string: "\(node.baseURL)/api/transactions")!,
                        [
                            "plan": "1h", "provider": "sandbox", "mac": Self.mac(index), "ip": "10.5.50.40",
                            "router": VenueDaemon.routerID,
                        ])
                    let json = try? JSONSerialization.jsonObject(with: reply.body) as? [String: Any]
                    return (
                        index,
                        json?["id"] as? String ?? "\(reply.status) \(String(decoding: reply.body, as: UTF8.self))"
                    )
                }
                if index >= 8, let (done, id) = try await group.next() { ids[done] = id }
            }
            for try await (done, id) in group { ids[done] = id }
            return ids
        }
        var transactions: [Transaction] = []
        for index in 0..<Self.sales {
            let id = try #require(created[index])
            try #require(!id.contains(" "), "purchase \(index) not created: \(id)")
            transactions.append(try #require(try await store.transaction(id: id)))
        }
        let sandbox = SandboxProvider(secret: Secret(VenueDaemon.sandboxSecret), walletBaseURL: "http://unused")
        var signed: [ProviderCallback] = []
        for transaction in transactions { signed.append(await sandbox.walletCallback(for: transaction, pay: true)) }
        let callbacks = signed

        // The router keeps asking node A about the first device for the whole run.
        let asking = Shared(RadiusTally())
        let databaseDown = Shared(false)
        let radiusLoop = Task {
            let mac = Self.mac(0)
            while !Task.isCancelled {
                let reply = try? await Radclient.send(
                    "auth", port: radiusA.auth, secret: VenueDaemon.routerSecret,
                    attributes: "User-Name = \"\(mac)\", Calling-Station-Id = \"\(mac)\", "
                        + "NAS-Identifier = \"venue-hap\", Message-Authenticator = 0x00", timeout: 2)
                let down = databaseDown.withLock { $0 }
                asking.withLock {
                    $0.asked += 1
                    if reply?.received == true { $0.answered += 1 }
                    if reply?.output.contains("Access-Accept") == true {
                        $0.accepted += 1
                        if down { $0.whileDatabaseDown += 1 }
                    }
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        defer { radiusLoop.cancel() }

        // A provider sends again until it gets a 2xx, to whichever node answers.
        let killedB = Shared(false)
        @Sendable func deliver(_ callback: ProviderCallback, preferring first: VenueDaemon) async -> Int {
            var attempts = 0
            let deadline = Date().addingTimeInterval(90)
            while Date() < deadline {
                for node in [first, first === nodeA ? nodeB : nodeA] {
                    if node === nodeB, killedB.withLock({ $0 }) { continue }
                    attempts += 1
                    let reply = try? await HTTP.post(
                        URL(string: "\(node.baseURL)/callbacks/sandbox/\(callback.token ?? "")")!,
                        body: Data(callback.body), contentType: "application/json", timeout: 15)
                    if let reply, (200..<300).contains(reply.status) { return attempts }
                }
                try? await Task.sleep(for: .milliseconds(200))
            }
            return -1
        }

        // Duplicate storms: each of the first ten payments delivered 50 times at once, split over both nodes.
        for index in 0..<Self.storms {
            let results = await withTaskGroup(of: Int.self) { group in
                for copy in 0..<50 {
                    let node = copy.isMultiple(of: 2) ? nodeA : nodeB
                    group.addTask { await deliver(callbacks[index], preferring: node) }
                }
                return await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(!results.contains(-1), "storm \(index) not accepted")
        }

        // The rest, ten at a time over both nodes; node B is killed after 100, and PostgreSQL is
        // stopped for two seconds after 200 and started again.
        let progress = Shared(0)
        let chaos = Task {
            while progress.withLock({ $0 }) < 100 { try await Task.sleep(for: .milliseconds(20)) }
            killedB.withLock { $0 = true }
            try await nodeB.kill()
            while progress.withLock({ $0 }) < 200 { try await Task.sleep(for: .milliseconds(20)) }
            databaseDown.withLock { $0 = true }
            await cluster.stop()
            try await Task.sleep(for: .seconds(2))
            try await cluster.restart()
            databaseDown.withLock { $0 = false }
        }
        let failed = await withTaskGroup(of: Int.self) { group in
            var failed = 0
            for index in Self.storms..<Self.sales {
                let node = index.isMultiple(of: 2) ? nodeA : nodeB
                group.addTask {
                    let attempts = await deliver(callbacks[index], preferring: node)
                    progress.withLock { $0 += 1 }
                    return attempts
                }
                if index >= Self.storms + 10, let attempts = await group.next(), attempts < 0 { failed += 1 }
            }
            for await attempts in group where attempts < 0 { failed += 1 }
            return failed
        }
        try await chaos.value
        #expect(failed == 0, "\(failed) payments never accepted")

        // Every payment applied once and unlocked once.
        let ids = transactions.map(\.id)
        var unlockStates: [String: Int] = [:]
        let unlockDeadline = Date().addingTimeInterval(90)
        repeat {
            unlockStates = [:]
            for id in ids {
                for job in try await store.unlockJobs(transactionID: id) {
                    unlockStates["\(job.action) \(job.status)", default: 0] += 1
                }
            }
            if unlockStates.filter({ Self.acknowledged($0.key) }).values.reduce(0, +) == Self.sales { break }
            try await Task.sleep(for: .milliseconds(500))
        } while Date() < unlockDeadline
        var stuck: [String] = []
        for id in ids {
            for job in try await store.unlockJobs(transactionID: id)
            where !CheckoutEndToEndTests.routerAcknowledged(job) {
                stuck.append(
                    "\(job.id) \(job.mac) \(job.status) attempts \(job.attempts) updated \(job.updatedAt) \(job.lastError ?? "")"
                )
            }
        }
        #expect(
            unlockStates.filter { Self.acknowledged($0.key) }.values.reduce(0, +) == Self.sales,
            "\(unlockStates); not acknowledged: \(stuck)")
        var confirmations = 0
        for id in ids {
            #expect(try await store.transaction(id: id)?.status == .paid)
            let kinds = try await store.auditEvents(transactionID: id).map(\.kind)
            #expect(kinds.filter { $0 == .paymentConfirmed }.count == 1, "\(id): \(kinds)")
            confirmations += kinds.filter { $0 == .paymentConfirmed }.count
            #expect(try await store.unlockJobs(transactionID: id).count == 1)
        }
        #expect(confirmations == Self.sales)
        #expect(try await store.activeGrantCount() == Self.sales)
        let coas = peer.requests.filter { $0.contains("CoA-Request") || $0.contains("Disconnect-Request") }
        let unlockedMACs = Set(ids.indices.map { Self.mac($0) }.filter { mac in coas.contains { $0.contains(mac) } })
        #expect(unlockedMACs.count == Self.sales, "CoA for \(unlockedMACs.count) of \(Self.sales) devices")

        // Each node reports its access view on its own /metrics.
        let metrics = try await HTTP.get(URL(string: "\(nodeA.baseURL)/metrics")!)
        let text = String(decoding: metrics.body, as: UTF8.self)
        #expect(text.contains("hotspotpay_access_view_listening 1"), "\(text.prefix(2000))")
        #expect(text.contains("hotspotpay_access_view_grants \(Self.sales)"))

        radiusLoop.cancel()
        let radius = asking.withLock { $0 }
        #expect(radius.asked > 20 && radius.answered == radius.asked, "\(radius)")
        #expect(radius.accepted > 0 && radius.whileDatabaseDown > 0, "\(radius)")
        print(
            "two nodes: \(Self.sales) sales, \(coas.count) CoA/Disconnect for \(unlockedMACs.count) devices "
                + "(\(coas.count - Self.sales) sent again after kill -9), Access-Requests \(radius)")
        try await nodeA.stop()
        await cluster.stop()
    }

    /// One box grows into several nodes: `migrate --to` copies the venue's SQLite database into an
    /// empty PostgreSQL database and verifies it; a node started on that database sells on with
    /// the same sales, and a second copy into it is refused.
    @Test func migrateToCopiesAVenueIntoPostgreSQLAndANodeCarriesOn() async throws {
        let peer = try await FreeRADIUSPeer(secret: VenueDaemon.routerSecret)
        let venue = try VenueDaemon(coaPort: peer.port)
        try await venue.start()
        let transaction = try await CheckoutEndToEndTests.startPurchase(venue, mac: "F2:00:00:00:0D:01")
        let reply = try await CheckoutEndToEndTests.deliver(
            await CheckoutEndToEndTests.sandboxCallback(for: transaction, paid: true), to: venue)
        #expect((200..<300).contains(reply.status))
        try await venue.stop()

        let url = try await PostgresCluster.shared().database()
        let copied = try await venue.command(["migrate", "--to", url])
        #expect(copied.status == 0, "\(copied.stderr)")
        #expect(copied.stdout.contains("copied and verified"), "\(copied.stdout)")
        #expect(copied.stdout.contains("transactions: 1 rows"), "\(copied.stdout)")
        let again = try await venue.command(["migrate", "--to", url])
        #expect(again.status != 0 && again.stderr.contains("not empty"), "\(again.stderr)")

        let node = try VenueDaemon(coaPort: peer.port, moreConfig: "database: \(url)")
        try await node.start()
        let listed = try await node.command(["transactions", "--json"])
        #expect(listed.stdout.contains(transaction.id), "\(listed.stdout) \(listed.stderr)")
        let second = try await HTTP.postJSON(
            URL(string: "\(node.baseURL)/api/transactions")!,
            [
                "plan": "1h", "provider": "sandbox", "mac": "F2:00:00:00:0D:02", "ip": "10.5.50.41",
                "router": VenueDaemon.routerID,
            ])
        #expect(second.status == 201, "\(String(decoding: second.body, as: UTF8.self))")
        try await node.stop()
    }
}
