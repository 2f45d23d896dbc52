import FakeProviders
import Foundation
import HotspotPayCore
import Payments
import Store
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The whole product as a venue runs it: the real daemon, FreeRADIUS standing in for the
/// router's CoA port, the sandbox wallet, and for the guest a headless Chromium sized like a phone.
@Suite(.serialized) struct CheckoutEndToEndTests {
    /// `.build/test-output/screenshots`: kept after the run for people to look at.
    static let screenshots = Fixtures.repositoryRoot.appendingPathComponent(".build/test-output/screenshots")

    @Test func aGuestBuysACappedPlanInTheBrowserAndIsOnlineAfterTheRoutersReauthentication() async throws {
        let peer = try await FreeRADIUSPeer(secret: VenueDaemon.routerSecret)
        let venue = try VenueDaemon(coaPort: peer.port)
        try await venue.start()
        let browser = try await HeadlessChromium.launch()
        let shots = Self.screenshots

        try await browser.navigate("\(venue.baseURL)/?mac=F2-11-22-33-44-55&ip=10.5.50.23&router=venue-hap")
        #expect(try await browser.text.contains("Chọn gói truy cập"))
        try await browser.screenshot(to: shots.appendingPathComponent("1-plans.png"))

        try await browser.click("input[name=plan][value='1d']")
        try await browser.click("button[type=submit]")
        try await browser.waitUntil("location.pathname.indexOf('/pay/') === 0 && document.readyState === 'complete'")
        let payPage = try await browser.text
        #expect(payPage.contains("Quét mã để thanh toán") && payPage.contains("30.000 ₫"))
        #expect(try await browser.evaluate("document.querySelectorAll('.qr svg path').length") as? Int == 1)
        // The countdown script runs: m:ss instead of the server's words.
        try await browser.waitUntil("/^\\d+:\\d\\d$/.test(document.getElementById('countdown').textContent)")
        try await browser.screenshot(to: shots.appendingPathComponent("2-pay.png"))
        let payURL = try await browser.location

        try await browser.click("#pay")
        try await browser.waitUntil("location.pathname.indexOf('/sandbox/wallet/') === 0")
        try await browser.screenshot(to: shots.appendingPathComponent("3-sandbox-wallet.png"))
        try await browser.click("button[value=pay]")

        // A CoA cannot set RouterOS's data cap, so the 5 GB plan's captive session is ended
        // (Disconnect); the router authenticates the device again and reports the new session.
        let deadline = Date().addingTimeInterval(20)
        while !peer.requests.contains(where: { $0.hasPrefix("Disconnect-Request") }), Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(!peer.requests.contains { $0.hasPrefix("CoA-Request") }, "\(peer.requests)")
        let disconnect = try #require(peer.requests.first { $0.hasPrefix("Disconnect-Request") })
        #expect(disconnect.contains(#"Calling-Station-Id = "F2:11:22:33:44:55""#), "\(disconnect)")
        #expect(!disconnect.contains("Mikrotik-"), "a Disconnect names the session only: \(disconnect)")
        let radius = try #require(venue.process).waitForRadius
        let (auth, acct) = try await radius(30)
        let mac = "F2:11:22:33:44:55"
        let accept = try await Radclient.send(
            "auth", port: auth, secret: VenueDaemon.routerSecret,
            attributes: "User-Name = \"\(mac)\", Calling-Station-Id = \"\(mac)\", NAS-Identifier = \"venue-hap\", "
                + "Message-Authenticator = 0x00")
        for expected in [
            #"Mikrotik-Rate-Limit = "5M/20M""#, #"Mikrotik-Group = "paid""#, "Session-Timeout = 86",
            "Mikrotik-Total-Limit = 705032704", "Mikrotik-Total-Limit-Gigawords = 1",
        ] {
            #expect(accept.output.contains(expected), "\(expected) in \(accept.output)")
        }
        let start = try await Radclient.send(
            "acct", port: acct, secret: VenueDaemon.routerSecret,
            attributes: "Acct-Status-Type = Start, Acct-Session-Id = \"paid-1\", User-Name = \"\(mac)\", "
                + "Calling-Station-Id = \"\(mac)\", Framed-IP-Address = 10.5.50.23, NAS-Identifier = \"venue-hap\"")
        #expect(start.output.contains("Received Accounting-Response"), "\(start.output)")

        // The page follows the status stream to "online" once the new session is reported.
        try await browser.waitUntil(
            "document.getElementById('page') && document.getElementById('page').getAttribute('data-state') === 'online'",
            timeout: 30)
        let done = try await browser.text
        #expect(done.contains("Đã kết nối Internet") && done.contains("5GB"), "\(done)")
        try await browser.screenshot(to: shots.appendingPathComponent("4-online.png"))
        #expect(try await browser.location.hasPrefix(payURL.components(separatedBy: "?")[0]))

        // Opening the portal again resumes the purchase instead of selling another.
        try await browser.navigate("\(venue.baseURL)/?mac=F2:11:22:33:44:55&router=venue-hap&lang=en")
        #expect(try await browser.text.contains("You are online"))
        try await browser.screenshot(to: shots.appendingPathComponent("5-reopened-en.png"))
        try await venue.stop()
    }

    @Test func fiftyConcurrentDuplicateCallbacksMakeOneGrantAndOneCoA() async throws {
        let peer = try await FreeRADIUSPeer(secret: VenueDaemon.routerSecret)
        let venue = try VenueDaemon(coaPort: peer.port)
        try await venue.start()
        let transaction = try await Self.startPurchase(venue, mac: "F2:00:00:00:50:50")
        let callback = await Self.sandboxCallback(for: transaction, paid: true)

        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 {
                group.addTask { try await Self.deliver(callback, to: venue).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.count == 50)
        #expect(Set(statuses).count == 1 && (200..<300).contains(statuses[0]), "\(statuses)")

        let store = try Self.store(venue)
        try await Self.eventually("the CoA is acknowledged") {
            Self.routerAcknowledged(try await store.unlockJobs(transactionID: transaction.id).first)
        }
        #expect(try await store.unlockJobs(transactionID: transaction.id).count == 1)
        #expect(try await store.activeGrant(mac: transaction.mac)?.transactionIDs == [transaction.id])
        let audit = try await store.auditEvents(transactionID: transaction.id)
        #expect(audit.filter { $0.kind == .paymentConfirmed }.count == 1)
        // A new pass on a coa router ends the captive session; the router's next login carries it.
        #expect(peer.requests.filter { $0.hasPrefix("Disconnect-Request") }.count == 1, "\(peer.requests)")
        try await venue.stop()
    }

    @Test func aDaemonKilledBetweenPaidAndCoASendsTheCoAAfterItRestarts() async throws {
        // The router is down while the payment arrives: the CoA is in flight when the daemon dies.
        let coaPort = try LocalPort.free(.udp)
        let venue = try VenueDaemon(coaPort: coaPort, resendAfter: "31s")
        try await venue.start()
        let transaction = try await Self.startPurchase(venue, mac: "F2:00:00:00:0A:0B")
        let reply = try await Self.deliver(await Self.sandboxCallback(for: transaction, paid: true), to: venue)
        #expect((200..<300).contains(reply.status))
        let store = try Self.store(venue)
        try await Self.eventually("the CoA is being sent") {
            try await store.unlockJobs(transactionID: transaction.id).first?.status == .sent
        }
        try await venue.kill()
        #expect(try await store.unlockJobs(transactionID: transaction.id).first?.status == .sent)

        let peer = try await FreeRADIUSPeer(secret: VenueDaemon.routerSecret, port: coaPort)
        try await venue.start()
        try await Self.eventually("the CoA is sent again and acknowledged", timeout: 60) {
            Self.routerAcknowledged(try await store.unlockJobs(transactionID: transaction.id).first)
        }
        let coas = peer.requests.filter { $0.hasPrefix("Disconnect-Request") }
        #expect(coas.count == 1, "\(peer.requests)")
        #expect(coas.first?.contains(#"Calling-Station-Id = "F2:00:00:00:0A:0B""#) == true)
        try await venue.stop()
    }

    @Test func anUnpaidPurchaseExpiresAfterAShortWindowAndALatePaymentIsStillHonoured() async throws {
        let peer = try await FreeRADIUSPeer(secret: VenueDaemon.routerSecret)
        let venue = try VenueDaemon(coaPort: peer.port, window: "5s", sweeperInterval: "1s")
        try await venue.start()
        let transaction = try await Self.startPurchase(venue, mac: "F2:00:00:00:0E:0E")
        let store = try Self.store(venue)
        try await Self.eventually("the transaction expires", timeout: 20) {
            try await store.transaction(id: transaction.id)?.status == .expired
        }
        let page = try await HTTP.get(URL(string: "\(venue.baseURL)/pay/\(transaction.id)")!)
        #expect(String(decoding: page.body, as: UTF8.self).contains("Đã hết thời gian thanh toán"))

        // The money arrives after all: the guest still gets what they paid for.
        let reply = try await Self.deliver(await Self.sandboxCallback(for: transaction, paid: true), to: venue)
        #expect((200..<300).contains(reply.status))
        #expect(try await store.transaction(id: transaction.id)?.status == .paid)
        let audit = try await store.auditEvents(transactionID: transaction.id)
        #expect(audit.contains { $0.kind == .transactionExpired })
        #expect(audit.contains { $0.kind == .latePaymentHonoured })
        try await Self.eventually("the late payment's CoA is acknowledged") {
            Self.routerAcknowledged(try await store.unlockJobs(transactionID: transaction.id).first)
        }
        try await venue.stop()
    }

    @Test func withCallbacksBlockedAMoMoPaymentIsConfirmedByPollingWithinSeconds() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let peer = try await FreeRADIUSPeer(secret: VenueDaemon.routerSecret)
            let venue = try VenueDaemon(
                coaPort: peer.port, poll: "on",
                moreProviders: """
                      momo:
                        partner_code: \(FakeCredentials.momoPartnerCode)
                        access_key: \(FakeCredentials.momoAccessKey)
                        secret_key: \(FakeCredentials.momoSecretKey)
                        endpoint: \(base)
                        timeout_seconds: 30
                    """)
            try await venue.start()
            let created = try await HTTP.postJSON(
                URL(string: "\(venue.baseURL)/api/transactions")!,
                ["plan": "1h", "provider": "momo", "mac": "F2:00:00:00:0C:0C", "router": VenueDaemon.routerID])
            #expect(created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
            let json = try #require(try JSONSerialization.jsonObject(with: created.body) as? [String: Any])
            let id = try #require(json["id"] as? String)
            let orderID = try #require((json["payment"] as? [String: Any])?["providerOrderID"] as? String)

            // The guest pays at MoMo; MoMo's IPN cannot reach the box (never delivered).
            _ = try await fake.momoIPN(orderID: orderID)
            let paidAt = Date()
            let store = try Self.store(venue)
            try await Self.eventually("polling confirms the payment", timeout: 10) {
                try await store.transaction(id: id)?.status == .paid
            }
            #expect(Date().timeIntervalSince(paidAt) < 10)
            let audit = try await store.auditEvents(transactionID: id)
            #expect(audit.contains { $0.kind == .paymentConfirmed && $0.actor == "poller" })
            try await Self.eventually("the CoA is acknowledged") {
                Self.routerAcknowledged(try await store.unlockJobs(transactionID: id).first)
            }
            try await venue.stop()
        }
    }

    // MARK: helpers

    /// The router acknowledged the unlock: a FreeRADIUS peer standing in for the router reports
    /// no sessions, so the job then waits for (or times out waiting for) the router's confirmation.
    static func routerAcknowledged(_ job: UnlockJob?) -> Bool {
        guard let job else { return false }
        return [.confirming, .unconfirmed, .acked].contains(job.status)
    }

    static func startPurchase(_ venue: VenueDaemon, mac: String) async throws -> Transaction {
        let created = try await HTTP.postJSON(
            URL(string: "\(venue.baseURL)/api/transactions")!,
            ["plan": "1h", "provider": "sandbox", "mac": mac, "ip": "10.5.50.40", "router": VenueDaemon.routerID])
        #expect(created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
        let json = try #require(try JSONSerialization.jsonObject(with: created.body) as? [String: Any])
        let id = try #require(json["id"] as? String)
        return try #require(try await store(venue).transaction(id: id))
    }

    /// The daemon's database, opened beside it (WAL allows a second process).
    static func store(_ venue: VenueDaemon) throws -> SQLiteStore {
        let key = try #require(try SecretKey.fromEnvironment(["HOTSPOTPAY_SECRET_KEY": venue.key]))
        return try SQLiteStore(path: venue.databasePath, cipher: SecretCipher(key: key))
    }

    /// What the sandbox wallet would send for `transaction`, signed with the venue's secret.
    static func sandboxCallback(for transaction: Transaction, paid: Bool) async -> ProviderCallback {
        await SandboxProvider(secret: Secret(VenueDaemon.sandboxSecret), walletBaseURL: "http://unused")
            .walletCallback(for: transaction, pay: paid)
    }

    static func deliver(_ callback: ProviderCallback, to venue: VenueDaemon) async throws -> (status: Int, body: Data) {
        try await HTTP.post(
            URL(string: "\(venue.baseURL)/callbacks/sandbox/\(callback.token ?? "")")!, body: Data(callback.body),
            contentType: "application/json", timeout: 30)
    }

    static func eventually(_ what: String, timeout: Double = 15, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("timed out: \(what)")
        throw CancellationError()
    }
}
