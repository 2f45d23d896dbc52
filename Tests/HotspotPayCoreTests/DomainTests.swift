import Foundation
import TestSupport
import Testing

@testable import HotspotPayCore

@Suite struct DomainTests {
    let plan = Plan(
        id: "1d", name: LocalizedText(vi: "1 ngày", en: "1 day"), price: Money(dong: 30_000), durationSeconds: 86_400,
        dataCapBytes: 5_000_000_000,
        rateLimit: RateLimit(downloadBitsPerSecond: 20_000_000, uploadBitsPerSecond: 5_000_000))
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func pending(_ plan: Plan, seed: UInt64 = 1) -> Transaction {
        var generator = SeededGenerator(seed: seed)
        return Transaction.pending(
            plan: plan, mac: try! MACAddress("AA:BB:CC:DD:EE:01"), clientIP: nil, routerID: "cafe", provider: .momo,
            now: now,
            paymentWindowSeconds: 900, using: &generator)
    }

    @Test func aPendingTransactionCarriesThePriceWindowAndFreshSecrets() {
        let first = pending(plan, seed: 1)
        let second = pending(plan, seed: 2)
        #expect(first.status == .pending)
        #expect(first.amount == plan.price)
        #expect(first.expiresAt == now.addingTimeInterval(900))
        #expect(
            first.id != second.id && first.orderCode != second.orderCode && first.callbackToken != second.callbackToken)
        #expect(first.callbackToken.hex.count == 32)
        #expect(first.callbackToken.description == "••••")
        #expect(first.id.count == 36)
    }

    @Test func confirmingSetsPaidAt() throws {
        let paid = try pending(plan).applying(.confirmPayment, at: now.addingTimeInterval(60))
        #expect(paid.status == .paid)
        #expect(paid.paidAt == now.addingTimeInterval(60))
    }

    @Test func orderCodesAvoidLookAlikes() throws {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<2000 {
            let code = OrderCode.random(using: &generator).description
            #expect(code.count == 6)
            #expect(!code.contains { "01ILOU".contains($0) })
        }
        #expect(try OrderCode("wf7k2q").description == "WF7K2Q")
        #expect(throws: OrderCode.ParseError.self) { try OrderCode("WF7K2O") }
        #expect(throws: OrderCode.ParseError.self) { try OrderCode("WF7K2") }
    }

    @Test func aFirstPurchaseStartsAGrantAtPaymentTime() {
        let transaction = pending(plan)
        let paidAt = now.addingTimeInterval(300)
        let grant = Grant.start(id: "g1", transaction: transaction, plan: plan, now: paidAt)
        #expect(grant.validUntil == paidAt.addingTimeInterval(86_400))
        #expect(grant.dataRemainingBytes == 5_000_000_000)
        #expect(grant.rateLimit == plan.rateLimit)
        #expect(grant.secondsLeft(at: paidAt.addingTimeInterval(86_000)) == 400)
        #expect(grant.isExhausted(at: paidAt.addingTimeInterval(86_400)))
    }

    @Test func buyingAgainAddsTimeAfterWhatIsLeftAndSumsData() throws {
        let grant = Grant.start(id: "g1", transaction: pending(plan, seed: 1), plan: plan, now: now)
        let later = now.addingTimeInterval(3600)
        let extended = try grant.extended(by: pending(plan, seed: 2), plan: plan, now: later)
        #expect(extended.validUntil == now.addingTimeInterval(2 * 86_400))
        #expect(extended.dataRemainingBytes == 10_000_000_000)
        #expect(extended.transactionIDs.count == 2)

        var unlimited = plan
        unlimited.dataCapBytes = nil
        #expect(
            try grant.extended(by: pending(unlimited, seed: 3), plan: unlimited, now: later).dataRemainingBytes == nil)
    }

    @Test func anEndedGrantCannotBeExtended() throws {
        let ended = try Grant.start(id: "g1", transaction: pending(plan), plan: plan, now: now).applying(.end, at: now)
        #expect(throws: TransitionError.self) { try ended.extended(by: pending(plan, seed: 9), plan: plan, now: now) }
    }

    @Test func planValidationNamesEveryProblem() {
        let bad = Plan(
            id: "Bad Id", name: LocalizedText(vi: " ", en: ""), price: Money(dong: 500), durationSeconds: 10,
            dataCapBytes: 10)
        let fields = Set(bad.problems.map(\.field))
        #expect(fields == ["id", "name_vi", "price", "duration", "data_cap"])
        #expect(plan.problems.isEmpty)
    }

    @Test func routerValidationAsksForALongSecret() throws {
        var router = Router(
            id: "cafe", name: "Cafe", nasIdentifier: "cafe", address: try IPAddress("10.0.0.1"), secret: Secret("short")
        )
        #expect(router.problems.map(\.field) == ["secret"])
        router.secret = Secret("a-long-enough-radius-secret")
        router.coaPort = 70000
        #expect(router.problems.map(\.field) == ["coa_port"])
        #expect("\(router.secret)" == "••••••")
    }

    @Test func slugsAreLowerCaseAndShort() {
        #expect(Slug.isValid("1h"))
        #expect(Slug.isValid("cafe-tang-1"))
        #expect(!Slug.isValid("-x"))
        #expect(!Slug.isValid("Cafe"))
        #expect(!Slug.isValid(String(repeating: "a", count: 33)))
    }

    @Test func aLoginRouterWithoutAHotspotAddressIsWarnedAbout() {
        var router = Router(
            id: "lobby", name: "Lobby", nasIdentifier: "lobby", address: try! IPAddress("10.0.0.1"),
            secret: Secret("router-secret-0123456789"), strategy: .login)
        #expect(router.setupWarnings.first?.contains("--hotspot-address") == true)
        router.hotspotAddress = "hotspot.lobby.vn"
        #expect(router.setupWarnings.count == 1 && router.setupWarnings[0].contains("--api-url"))
        // A login URL counts only on that host, in any case, with or without a port.
        for url in ["http://HOTSPOT.lobby.vn/login", "https://hotspot.lobby.vn:8443/login?x=1"] {
            let login = try! HotspotLogin(loginURL: url, originalURL: nil, chapID: nil, chapChallenge: nil)
            #expect(router.serves(login), "\(url)")
        }
        for url in [
            "http://evil.example/login", "http://hotspot.lobby.vn@evil.example/login",
            "http://hotspot.lobby.vn.evil.example/",
        ] {
            let login = try! HotspotLogin(loginURL: url, originalURL: nil, chapID: nil, chapChallenge: nil)
            #expect(!router.serves(login), "\(url)")
        }
    }

    @Test func aRoutersRESTAPIIsPinnedHTTPSOrPlainHTTPOnlyByTheOperatorsWord() {
        var api = RouterAPI(url: "https://10.5.50.1:8443", user: "hotspotpay", password: Secret("pw"))
        #expect(api.problems.map(\.field) == ["api.certificate_sha256"])
        api.certificateSHA256 = RouterAPI.normalizedFingerprint(
            "AB:CD:" + Array(repeating: "01", count: 30).joined(separator: ":"))
        #expect(api.problems.isEmpty && api.pinnedDigest?.count == 32)
        #expect(api.endpoint?.tls == true && api.endpoint?.host == "10.5.50.1" && api.endpoint?.port == 8443)
        api.url = "http://10.5.50.1"
        #expect(api.problems.map(\.field) == ["api.plain_http"])
        api.plainHTTP = true
        #expect(api.problems.isEmpty && api.endpoint?.port == 80)
        for bad in ["ftp://x", "https://", "https://a/b", "https://user@host", "https://h:99999", "10.0.0.1"] {
            api.url = bad
            #expect(api.problems.map(\.field) == ["api.url"], "\(bad)")
        }
    }

    @Test func newRoutersAreFailClosedAndACoARouterNeedsItsCaptiveAttributes() {
        var router = Router(
            id: "lobby", name: "Lobby", nasIdentifier: "lobby", address: try! IPAddress("10.0.0.1"),
            secret: Secret("router-secret-0123456789"), hotspotAddress: "hotspot.lobby.vn",
            api: RouterAPI(
                url: "https://10.0.0.1", user: "hotspotpay", password: Secret("api-password"),
                certificateSHA256: String(repeating: "ab", count: 32)))
        #expect(router.strategy == .login && router.problems.isEmpty && router.setupWarnings.isEmpty)
        // Opting into coa without captive attributes would accept unpaid devices with nothing: refused.
        router.strategy = .coa
        #expect(router.problems.map(\.field) == ["captive_attributes"])
        router.captiveAttributes = [RadiusAttribute(name: "Mikrotik-Group", value: "portal-only")]
        #expect(router.problems.isEmpty)
        #expect(router.setupWarnings.first?.contains("strategy coa") == true)
        // An unpaid device on that router gets exactly the captive attributes, on a login router nothing.
        #expect(AccessDecision.decide(grant: nil, router: router, now: Date()) == .accept(router.captiveAttributes))
        router.strategy = .login
        guard case .reject = AccessDecision.decide(grant: nil, router: router, now: Date()) else {
            Issue.record("a login router must refuse an unpaid device")
            return
        }
    }
}
