import Foundation
import HotspotPayCore
import Logging
import PostgresStore
import Store
import TestSupport
import Testing

/// A node whose PostgreSQL goes away loses nothing: a provider's callback is answered 503 (the
/// provider sends it again) and a router's Accounting-Request gets no Accounting-Response (the
/// router sends it again), never an acknowledgement of something not stored; a paid device is
/// still let in from the node's memory. When PostgreSQL is back, the same callback and the same
/// accounting land, once. `/healthz` says 503 meanwhile, for the proxy.
@Suite(.serialized) struct DatabaseOutageEndToEndTests {
    @Test func withPostgreSQLDownCallbacksAre503AndAccountingUnansweredThenBothLandWhenItIsBack() async throws {
        let cluster = try await PostgresCluster.start()
        let peer = try await FreeRADIUSPeer(secret: VenueDaemon.routerSecret)
        let node = try VenueDaemon(coaPort: peer.port, moreConfig: "database: \(cluster.url)")
        try await node.start()
        let radius = try #require(try await node.process?.waitForRadius())
        let store = try node.postgresStore(cluster.url, connections: 2)
        defer { store.close() }

        func purchase(_ mac: String) async throws -> Transaction {
            let created = try await HTTP.postJSON(
                URL(string: "\(node.baseURL)/api/transactions")!,
                ["plan": "1h", "provider": "sandbox", "mac": mac, "ip": "10.5.50.40", "router": VenueDaemon.routerID])
            let json = try JSONSerialization.jsonObject(with: created.body) as? [String: Any]
            let id = try #require(json?["id"] as? String, "\(created.status)")
            return try #require(try await store.transaction(id: id))
        }
        let paidMAC = "F2:00:00:00:0E:01"
        let paid = try await purchase(paidMAC)
        let open = try await purchase("F2:00:00:00:0E:02")
        let first = try await CheckoutEndToEndTests.deliver(
            await CheckoutEndToEndTests.sandboxCallback(for: paid, paid: true), to: node)
        #expect((200..<300).contains(first.status))
        try await CheckoutEndToEndTests.eventually("the first device unlocked", timeout: 30) {
            CheckoutEndToEndTests.routerAcknowledged(try await store.unlockJobs(transactionID: paid.id).first)
        }
        let access =
            "User-Name = \"\(paidMAC)\", Calling-Station-Id = \"\(paidMAC)\", NAS-Identifier = \"venue-hap\", "
            + "Message-Authenticator = 0x00"
        let accounting =
            "Acct-Status-Type = Start, Acct-Session-Id = \"outage-1\", User-Name = \"\(paidMAC)\", "
            + "Calling-Station-Id = \"\(paidMAC)\", Framed-IP-Address = 10.5.50.23, NAS-Identifier = \"venue-hap\""

        await cluster.stop()
        // The proxy's health check takes the node out while it cannot reach the database.
        let health = try await HTTP.get(URL(string: "\(node.baseURL)/healthz")!)
        #expect(health.status == 503, "\(health.status)")
        let callback = await CheckoutEndToEndTests.sandboxCallback(for: open, paid: true)
        let refused = try await CheckoutEndToEndTests.deliver(callback, to: node)
        #expect(refused.status == 503, "\(refused.status) \(String(decoding: refused.body, as: UTF8.self))")
        let unanswered = try await Radclient.send(
            "acct", port: radius.acct, secret: VenueDaemon.routerSecret, attributes: accounting, timeout: 5)
        #expect(!unanswered.output.contains("Accounting-Response"), "\(unanswered.output)")
        let admitted = try await Radclient.send(
            "auth", port: radius.auth, secret: VenueDaemon.routerSecret, attributes: access, timeout: 5)
        #expect(admitted.output.contains("Received Access-Accept"), "\(admitted.output)")

        try await cluster.restart()
        // As the provider and the router do: the same message again until it is acknowledged.
        var delivered = false
        for _ in 0..<60 where !delivered {
            let reply = try await CheckoutEndToEndTests.deliver(callback, to: node)
            delivered = (200..<300).contains(reply.status)
            if !delivered { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(delivered, "the callback was never accepted after the restart")
        #expect(try await HTTP.get(URL(string: "\(node.baseURL)/healthz")!).status == 200)
        var stored = false
        for _ in 0..<20 where !stored {
            let reply = try await Radclient.send(
                "acct", port: radius.acct, secret: VenueDaemon.routerSecret, attributes: accounting, timeout: 2)
            stored = reply.output.contains("Received Accounting-Response")
        }
        #expect(stored, "the accounting was never answered after the restart")

        #expect(try await store.transaction(id: open.id)?.status == .paid)
        let kinds = try await store.auditEvents(transactionID: open.id).map(\.kind)
        #expect(kinds.filter { $0 == .paymentConfirmed }.count == 1, "\(kinds)")
        let sessions = try await store.sessions(mac: try MACAddress(paidMAC), since: .distantPast, limit: 10)
        #expect(sessions.map(\.acctSessionID) == ["outage-1"], "\(sessions)")
        try await node.stop()
        await cluster.stop()
    }
}
