import Foundation
import HotspotPayCore
import Payments
import Store
import TestSupport
import Testing

/// A top-up bought while online: the same grant is extended and the router (FreeRADIUS standing
/// in for it) gets a CoA with the new Session-Timeout on the live session, the one it reported
/// since the pass began (the first purchase ended the captive session with a Disconnect).
@Suite(.serialized) struct TopUpEndToEndTests {
    static func buy(_ plan: String, mac: String, venue: VenueDaemon) async throws -> Transaction {
        let created = try await HTTP.postJSON(
            URL(string: "\(venue.baseURL)/api/transactions")!,
            ["plan": plan, "provider": "sandbox", "mac": mac, "ip": "10.5.50.41", "router": VenueDaemon.routerID])
        #expect(created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
        let json = try #require(try JSONSerialization.jsonObject(with: created.body) as? [String: Any])
        let id = try #require(json["id"] as? String)
        let transaction = try #require(try await CheckoutEndToEndTests.store(venue).transaction(id: id))
        let callback = await CheckoutEndToEndTests.sandboxCallback(for: transaction, paid: true)
        #expect((200..<300).contains(try await CheckoutEndToEndTests.deliver(callback, to: venue).status))
        return transaction
    }

    @Test func aTopUpWhileOnlineExtendsTheSameGrantAndTheLiveSessionGetsTheNewSessionTimeout() async throws {
        let peer = try await FreeRADIUSPeer(secret: VenueDaemon.routerSecret)
        let venue = try VenueDaemon(coaPort: peer.port)
        try await venue.start()
        let process = try #require(venue.process)
        let (auth, acct) = try await process.waitForRadius(timeout: 30)
        let mac = "F2:11:22:33:44:99"
        func coas() -> [String] { peer.requests.filter { $0.hasPrefix("CoA-Request") && $0.contains(mac) } }

        let first = try await Self.buy("1h", mac: mac, venue: venue)
        try await CheckoutEndToEndTests.eventually("the first unlock's Disconnect") {
            peer.requests.contains { $0.hasPrefix("Disconnect-Request") && $0.contains(mac) }
        }
        #expect(coas().isEmpty)
        let start = try await Radclient.send(
            "acct", port: acct, secret: VenueDaemon.routerSecret,
            attributes: "Acct-Status-Type = Start, Acct-Session-Id = \"topup-1\", User-Name = \"\(mac)\", "
                + "Calling-Station-Id = \"\(mac)\", Framed-IP-Address = 10.5.50.41, NAS-Identifier = \"venue-hap\"")
        #expect(start.output.contains("Received Accounting-Response"), "\(start.output)")

        // The top-up: one more hour on the live session, told to the router at once.
        let second = try await Self.buy("1h", mac: mac, venue: venue)
        try await CheckoutEndToEndTests.eventually("the top-up's CoA") { coas().count == 1 }
        let timeout = try #require(
            coas()[0].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix("Session-Timeout = ") }
                .flatMap { Int($0.dropFirst("Session-Timeout = ".count)) })
        #expect((7000...7200).contains(timeout), "\(coas()[0])")
        let store = try CheckoutEndToEndTests.store(venue)
        let grant = try #require(try await store.activeGrant(mac: try MACAddress(mac)))
        #expect(grant.transactionIDs == [first.id, second.id])
        // The device's next authentication carries the longer pass too.
        let accept = try await Radclient.send(
            "auth", port: auth, secret: VenueDaemon.routerSecret,
            attributes: "User-Name = \"\(mac)\", Calling-Station-Id = \"\(mac)\", NAS-Identifier = \"venue-hap\", "
                + "Message-Authenticator = 0x00")
        #expect(
            accept.output.contains("Session-Timeout = 71") || accept.output.contains("Session-Timeout = 72"),
            "\(accept.output)")
        try await venue.stop()
    }
}
