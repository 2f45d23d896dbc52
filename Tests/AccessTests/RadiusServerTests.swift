import Access
import Foundation
import HotspotPayCore
import Logging
import Radius
import ServiceLifecycle
import Store
import Synchronization
import TestSupport
import Testing

/// Our RADIUS server against FreeRADIUS's radclient and hand-made datagrams.
@Suite(.serialized) struct RadiusServerTests {
    static let secret = "router-secret-cafe-0123456789"
    static let paidMAC = "AA:BB:CC:DD:EE:01"
    static let unpaidMAC = "AA:BB:CC:DD:EE:02"

    /// A store with router `cafe` at 127.0.0.1 and a paid grant for ``paidMAC``, and the server
    /// listening on free ports for the duration of `body`.
    static func withServer(
        strategy: UnlockStrategy = .coa, requireMessageAuthenticator: Bool = true, _ label: String = #function,
        _ body:
            @Sendable (_ auth: Int, _ acct: Int, _ store: SQLiteStore, _ counters: RadiusCounters) async throws -> Void
    ) async throws {
        try RadiusDictionary.load()
        let directory = try Fixtures.temporaryDirectory(label)
        let store = try SQLiteStore(
            path: directory.appendingPathComponent("radius.sqlite").path,
            cipher: SecretCipher(key: try SecretKey(bytes: Array(repeating: 9, count: 32))))
        let plan = Plan(
            id: "1h", name: LocalizedText(vi: "1 giờ", en: "1 hour"), price: Money(dong: 10_000),
            durationSeconds: 3600, dataCapBytes: 5_000_000_000,
            rateLimit: RateLimit(downloadBitsPerSecond: 10_000_000, uploadBitsPerSecond: 2_000_000))
        try await store.addPlan(plan, actor: "test")
        var router = Fixtures.router(id: "cafe", address: "127.0.0.1", strategy: strategy)
        router.secret = Secret(secret)
        router.requireMessageAuthenticator = requireMessageAuthenticator
        try await store.addRouter(router, actor: "test")
        let transaction = Fixtures.transaction(plan: plan, mac: try MACAddress(paidMAC), router: "cafe")
        try await store.insertTransaction(transaction, actor: "test")
        _ = try await store.confirmPayment(
            PaymentConfirmation(
                transactionID: transaction.id, provider: .sandbox, providerReference: "SBX1",
                amount: transaction.amount, at: Date(), actor: "test"))

        let logger = Logger(label: "radius-test")
        let routers = StoreRouters(store: store)
        let counters = RadiusCounters()
        let processor = RadiusRequestProcessor(
            directory: routers, policy: StoreAccessPolicy(grants: store, routers: routers),
            accounting: StoreAccountingSink(sessions: store), counters: counters, logger: logger)
        let ports = AsyncStream<(Int, Int)>.makeStream()
        let server = RadiusServer(
            processor: processor, authentication: .init(host: "127.0.0.1", port: 0),
            accounting: .init(host: "127.0.0.1", port: 0), logger: logger,
            onBound: { ports.continuation.yield(($0, $1)) })
        let group = ServiceGroup(services: [server], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.stream.makeAsyncIterator()
            let (auth, acct) = try #require(await iterator.next())
            do {
                try await body(auth, acct, store, counters)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func macAuth(_ mac: String, messageAuthenticator: Bool = true) -> String {
        "User-Name = \"\(mac)\", Calling-Station-Id = \"\(mac)\", NAS-Identifier = \"nas-cafe\""
            + (messageAuthenticator ? ", Message-Authenticator = 0x00" : "")
    }

    @Test func aPaidMACIsAcceptedWithItsPaidAttributesAndMessageAuthenticatorFirst() async throws {
        // The grant starts after this, so its time left is at most the hour minus what elapsed since.
        let testStarted = Date()
        try await Self.withServer { auth, _, _, counters in
            let result = try await Radclient.send(
                "auth", port: auth, secret: Self.secret, attributes: Self.macAuth(Self.paidMAC))
            #expect(result.output.contains("Received Access-Accept"), "\(result.output)")
            #expect(result.output.contains("Mikrotik-Rate-Limit = \"2M/10M\""))
            #expect(result.output.contains("Mikrotik-Group = \"paid\""))
            #expect(result.output.contains("Mikrotik-Total-Limit = 705032704"))  // 5 GB mod 2^32
            #expect(result.output.contains("Mikrotik-Total-Limit-Gigawords = 1"))
            #expect(result.output.contains("Acct-Interim-Interval = 300"))
            let timeout = result.output.split(separator: "\n").first { $0.contains("Session-Timeout = ") }
            let seconds = Int(timeout?.split(separator: "=").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
            let elapsed = Int(Date().timeIntervalSince(testStarted).rounded(.up))
            #expect((3600 - elapsed...3600).contains(seconds), "\(seconds) s left after \(elapsed) s")
            #expect(counters["accept"] == 1)
        }
    }

    @Test func aRequestCarryingAStaleEventTimestampIsDroppedAndAFreshOneAnswered() async throws {
        try await Self.withServer { auth, acct, _, counters in
            let now = Int(Date().timeIntervalSince1970)
            // A genuine request recorded an hour ago and played again.
            let replayed = try await Radclient.send(
                "auth", port: auth, secret: Self.secret,
                attributes: Self.macAuth(Self.paidMAC) + ", Event-Timestamp = \(now - 3600)")
            #expect(!replayed.received, "\(replayed.output)")
            let stop = try await Radclient.send(
                "acct", port: acct, secret: Self.secret,
                attributes:
                    "Acct-Status-Type = Stop, Acct-Session-Id = \"old\", User-Name = \"\(Self.paidMAC)\", "
                    + "Calling-Station-Id = \"\(Self.paidMAC)\", Event-Timestamp = \(now - 3600)")
            #expect(!stop.received, "\(stop.output)")
            #expect(counters["drop_stale_event_timestamp"] == 2)
            // Accounting that waited in the router's queue says so with Acct-Delay-Time.
            let delayed = try await Radclient.send(
                "acct", port: acct, secret: Self.secret,
                attributes:
                    "Acct-Status-Type = Start, Acct-Session-Id = \"late\", User-Name = \"\(Self.paidMAC)\", "
                    + "Calling-Station-Id = \"\(Self.paidMAC)\", Event-Timestamp = \(now - 900), Acct-Delay-Time = 900")
            #expect(delayed.output.contains("Received Accounting-Response"), "\(delayed.output)")
            let fresh = try await Radclient.send(
                "auth", port: auth, secret: Self.secret,
                attributes: Self.macAuth(Self.paidMAC) + ", Event-Timestamp = \(now)")
            #expect(fresh.output.contains("Received Access-Accept"), "\(fresh.output)")
        }
    }

    @Test func anUnpaidMACGetsTheCaptiveAttributesOnACoARouter() async throws {
        try await Self.withServer { auth, _, _, _ in
            let result = try await Radclient.send(
                "auth", port: auth, secret: Self.secret, attributes: Self.macAuth(Self.unpaidMAC))
            #expect(result.output.contains("Received Access-Accept"), "\(result.output)")
            #expect(result.output.contains("Mikrotik-Group = \"portal-only\""))
            #expect(!result.output.contains("Mikrotik-Rate-Limit"))
        }
    }

    @Test func anUnpaidMACIsRejectedOnALoginRouter() async throws {
        try await Self.withServer(strategy: .login) { auth, _, _, counters in
            let result = try await Radclient.send(
                "auth", port: auth, secret: Self.secret, attributes: Self.macAuth(Self.unpaidMAC))
            #expect(result.output.contains("Received Access-Reject"), "\(result.output)")
            #expect(counters["reject"] == 1)
        }
    }

    static func loginSecret(_ store: SQLiteStore) async throws -> String {
        try #require(try await store.latestTransaction(mac: try MACAddress(paidMAC))?.loginSecret?.text)
    }

    @Test func aPaidDeviceLogsInWithItsSecretByPAPOrCHAPOnALoginRouter() async throws {
        try await Self.withServer(strategy: .login) { auth, _, store, counters in
            let secret = try await Self.loginSecret(store)
            let pap = try await Radclient.send(
                "auth", port: auth, secret: Self.secret,
                attributes: Self.macAuth(Self.paidMAC) + ", User-Password = \"\(secret)\"")
            #expect(pap.output.contains("Received Access-Accept"), "\(pap.output)")
            #expect(pap.output.contains("Mikrotik-Rate-Limit = \"2M/10M\""))
            // radclient turns a clear CHAP-Password into ident + MD5(ident, password, authenticator).
            let chap = try await Radclient.send(
                "auth", port: auth, secret: Self.secret,
                attributes: Self.macAuth(Self.paidMAC) + ", CHAP-Password = \"\(secret)\"")
            #expect(chap.output.contains("Received Access-Accept"), "\(chap.output)")
            #expect(counters["accept"] == 2)
        }
    }

    @Test func aLoginRouterRejectsAWrongPasswordEvenForAPaidMAC() async throws {
        try await Self.withServer(strategy: .login) { auth, _, _, counters in
            for extra in [", User-Password = \"WRONGPW2\"", ", CHAP-Password = \"WRONGPW2\""] {
                let result = try await Radclient.send(
                    "auth", port: auth, secret: Self.secret, attributes: Self.macAuth(Self.paidMAC) + extra)
                #expect(result.output.contains("Received Access-Reject"), "\(extra): \(result.output)")
                #expect(!result.output.contains("Mikrotik-Rate-Limit"))
            }
            // A user name that is not the device's MAC, without a password, is no MAC authentication.
            let other = try await Radclient.send(
                "auth", port: auth, secret: Self.secret,
                attributes:
                    "User-Name = \"guest\", Calling-Station-Id = \"\(Self.paidMAC)\", Message-Authenticator = 0x00")
            #expect(other.output.contains("Received Access-Reject"), "\(other.output)")
            #expect(counters["reject"] == 3)
        }
    }

    @Test func theRoutersMACAuthenticationRetryLetsAPaidDeviceInButNeverAnUnpaidOne() async throws {
        try await Self.withServer(strategy: .login) { auth, _, _, _ in
            // login-by=mac: User-Name is the MAC, with no password or the MAC again as the password.
            for extra in ["", ", User-Password = \"\(Self.paidMAC)\"", ", User-Password = \"aabbccddee01\""] {
                let paid = try await Radclient.send(
                    "auth", port: auth, secret: Self.secret, attributes: Self.macAuth(Self.paidMAC) + extra)
                #expect(paid.output.contains("Received Access-Accept"), "\(extra): \(paid.output)")
                #expect(paid.output.contains("Mikrotik-Total-Limit"), "the cap comes with the authentication")
                let unpaid = try await Radclient.send(
                    "auth", port: auth, secret: Self.secret, attributes: Self.macAuth(Self.unpaidMAC) + extra)
                #expect(unpaid.output.contains("Received Access-Reject"), "\(extra): \(unpaid.output)")
            }
        }
    }

    @Test func accountingIsKeptAsASessionAndChargedToTheDataCap() async throws {
        try await Self.withServer { auth, acct, store, _ in
            let common =
                "User-Name = \"\(Self.paidMAC)\", Calling-Station-Id = \"\(Self.paidMAC)\", Acct-Session-Id = \"81a00007\", Framed-IP-Address = 10.5.50.7"
            for (status, extra) in [
                ("Start", ""),
                ("Interim-Update", ", Acct-Input-Octets = 1000, Acct-Output-Octets = 5000, Acct-Session-Time = 60"),
            ] {
                let result = try await Radclient.send(
                    "acct", port: acct, secret: Self.secret,
                    attributes: common + ", Acct-Status-Type = \(status)" + extra)
                #expect(result.output.contains("Received Accounting-Response"), "\(result.output)")
            }
            let open = try await store.openSessions(mac: try MACAddress(Self.paidMAC))
            #expect(open.count == 1)
            #expect(open.first?.acctSessionID == "81a00007" && open.first?.totalBytes == 6000)
            #expect(open.first?.framedIP?.description == "10.5.50.7")
            // The 6,000 bytes used since Start count against the 5 GB the guest bought.
            let mac = try MACAddress(Self.paidMAC)
            #expect(try await store.activeGrant(mac: mac)?.dataRemainingBytes == 5_000_000_000 - 6000)
            let stop = try await Radclient.send(
                "acct", port: acct, secret: Self.secret,
                attributes: common
                    + ", Acct-Status-Type = Stop, Acct-Input-Octets = 2000, Acct-Output-Octets = 9000, Acct-Input-Gigawords = 1"
            )
            #expect(stop.output.contains("Received Accounting-Response"))
            #expect(try await store.openSessions(mac: try MACAddress(Self.paidMAC)).isEmpty)
            // Stop's counters include a gigaword: 2^32 + 2,000 in, 9,000 out, 4,294,978,296 in all.
            #expect(try await store.activeGrant(mac: mac)?.dataRemainingBytes == 5_000_000_000 - 4_294_978_296)
            let accept = try await Radclient.send(
                "auth", port: auth, secret: Self.secret, attributes: Self.macAuth(Self.paidMAC))
            #expect(accept.output.contains("Mikrotik-Total-Limit = 705021704"), "\(accept.output)")
            #expect(!accept.output.contains("Gigawords"))
        }
    }

    @Test func aWrongSecretGetsNoReply() async throws {
        try await Self.withServer { auth, acct, _, counters in
            let result = try await Radclient.send(
                "auth", port: auth, secret: "not-the-secret", attributes: Self.macAuth(Self.paidMAC))
            #expect(!result.received, "\(result.output)")
            let accounting = try await Radclient.send(
                "acct", port: acct, secret: "not-the-secret",
                attributes: "User-Name = \"x\", Acct-Status-Type = Start, Acct-Session-Id = \"1\"")
            #expect(!accounting.received)
            #expect(counters["drop_bad_authenticator"] == 2)
        }
    }

    @Test func aMissingMessageAuthenticatorIsDroppedWhenRequiredAndAnsweredWhenNot() async throws {
        try await Self.withServer { auth, _, _, counters in
            let result = try await Radclient.send(
                "auth", port: auth, secret: Self.secret,
                attributes: Self.macAuth(Self.paidMAC, messageAuthenticator: false))
            #expect(!result.received, "\(result.output)")
            #expect(counters["drop_missing_message_authenticator"] == 1)
        }
        try await Self.withServer(requireMessageAuthenticator: false) { auth, _, _, _ in
            let result = try await Radclient.send(
                "auth", port: auth, secret: Self.secret,
                attributes: Self.macAuth(Self.paidMAC, messageAuthenticator: false))
            #expect(result.output.contains("Received Access-Accept"), "\(result.output)")
        }
    }

    @Test func aDuplicateGetsTheSameReplyNotASecondDecision() async throws {
        try await Self.withServer { auth, _, _, counters in
            let request = try RadiusCodec.encodeRequest(
                .accessRequest, identifier: 77,
                attributes: [
                    .init(name: "User-Name", value: Self.paidMAC),
                    .init(name: "Calling-Station-Id", value: Self.paidMAC),
                ], secret: Self.secret, messageAuthenticator: true)
            let probe = try UDPProbe()
            let first = try #require(probe.exchange(request, port: auth))
            let second = try #require(probe.exchange(request, port: auth))
            #expect(first == second)
            #expect(first[20] == 80 && first[21] == 18)  // Message-Authenticator first (BlastRADIUS)
            #expect(counters["accept"] == 1 && counters["duplicate"] == 1)
            let decoded = try RadiusCodec.decodeResponse(first, to: request, secret: Self.secret)
            #expect(decoded.code == .accessAccept)
        }
    }

    @Test func anAccessRequestNearTheFourKilobyteLimitIsAnswered() async throws {
        try await Self.withServer { auth, _, _, counters in
            // 14 × 242 bytes of Connect-Info: about 3.4 KB, more than a 2 KB read buffer holds.
            let filler = (0..<14).map {
                RadiusPacket.Attribute(name: "Connect-Info", value: String(repeating: "\($0 % 10)", count: 240))
            }
            let request = try RadiusCodec.encodeRequest(
                .accessRequest, identifier: 9,
                attributes: [
                    .init(name: "User-Name", value: Self.paidMAC),
                    .init(name: "Calling-Station-Id", value: Self.paidMAC),
                ] + filler, secret: Self.secret, messageAuthenticator: true)
            #expect(request.count > 3_000 && request.count <= 4_096)
            let probe = try UDPProbe()
            let reply = try #require(probe.exchange(request, port: auth))
            #expect(try RadiusCodec.decodeResponse(reply, to: request, secret: Self.secret).code == .accessAccept)
            #expect(counters["accept"] == 1)
        }
    }

    @Test func requestsFromAnUnknownAddressOrWithJunkAreDroppedAndCounted() async throws {
        try await Self.withServer { auth, acct, _, counters in
            let request = try RadiusCodec.encodeRequest(
                .accessRequest, identifier: 5, attributes: [.init(name: "User-Name", value: Self.paidMAC)],
                secret: Self.secret, messageAuthenticator: true)
            let stranger = try UDPProbe(bindTo: "127.0.0.2")
            #expect(stranger.exchange(request, port: auth) == nil)
            #expect(counters["drop_unknown_client"] == 1)
            let probe = try UDPProbe()
            #expect(probe.exchange([1, 2, 3], port: auth) == nil)
            #expect(probe.exchange(Array(repeating: 0x41, count: 5000), port: auth) == nil)
            #expect(probe.exchange(request, port: acct) == nil)  // an Access-Request on the accounting port
            var overrun = request
            overrun[21] = 250
            #expect(probe.exchange(overrun, port: auth) == nil)
            #expect(counters["drop_too_short"] == 1 && counters["drop_wrong_port_or_code"] == 1)
            #expect(counters["drop_malformed"] == 1)
            // Still answering afterwards.
            let result = try await Radclient.send(
                "auth", port: auth, secret: Self.secret, attributes: Self.macAuth(Self.paidMAC))
            #expect(result.output.contains("Received Access-Accept"))
        }
    }
}
