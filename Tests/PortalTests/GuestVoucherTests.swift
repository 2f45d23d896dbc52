import Foundation
import HotspotPayCore
import Hummingbird
import HummingbirdTesting
import Store
import TestSupport
import Testing

/// "I have a code" on the plans page.
@Suite struct GuestVoucherTests {
    typealias H = GuestPageHarness

    static func batch(_ store: SQLiteStore, devices: Int = 1) async throws -> [VoucherCode] {
        var generator = SystemRandomNumberGenerator()
        let codes = (0..<2).map { _ in VoucherCode.random(using: &generator) }
        try await store.addVoucherBatch(
            VoucherBatch(
                id: UUID().uuidString, planID: "1d", count: 2, validUntil: Date().addingTimeInterval(86_400),
                price: Money(dong: 25_000), devicesPerCode: devices, createdAt: Date(), createdBy: "test"),
            codes: codes, actor: "test")
        return codes
    }

    @Test func aGuestTypesACodeAndTheDeviceIsPaidForLikeAPurchase() async throws {
        let harness = try await H()
        let codes = try await Self.batch(harness.store)
        try await harness.app.test(.router) { client in
            let plans = try await H.get(client, H.landing("&code=\(codes[0].value)"))
            #expect(plans.body.contains("id=\"voucher\" open"))
            #expect(plans.body.contains("value=\"\(codes[0].value)\""))
            // Typed in lower case with spaces, as a phone keyboard might.
            let typed = codes[0].description.lowercased().replacingOccurrences(of: "-", with: " ")
            let redeemed = try await H.post(
                client, "/voucher", form: [("code", typed), ("mac", H.mac), ("router", "nas-cafe")])
            #expect(redeemed.status == .seeOther)
            let location = try #require(redeemed.location)
            #expect(location.hasPrefix("/pay/"))
            let page = try await H.get(client, location)
            #expect(page.status == .ok)
            let sale = try #require(
                try await harness.store.transactions(matching: TransactionFilter(provider: .voucher, limit: 5)).first)
            #expect(sale.status == .paid && sale.planID == "1d" && sale.amount == Money(dong: 25_000))
            #expect(location.contains(sale.id))
            #expect(try await harness.store.activeGrant(mac: try MACAddress(H.mac))?.transactionIDs == [sale.id])
            // Sent twice (a double tap): the same sale.
            let again = try await H.post(
                client, "/voucher", form: [("code", codes[0].value), ("mac", H.mac), ("router", "nas-cafe")])
            #expect(again.location == location)
            // Another phone: the one-device code is spent.
            let other = try await H.post(
                client, "/voucher",
                form: [("code", codes[0].value), ("mac", "AA:BB:CC:DD:EE:08"), ("router", "nas-cafe")])
            #expect(other.status == .unprocessableContent)
            #expect(other.body.contains("Mã này đã được dùng hết"))
        }
    }

    @Test func guessingCodesIsStoppedPerDevice() async throws {
        let harness = try await H()
        let codes = try await Self.batch(harness.store)
        try await harness.app.test(.router) { client in
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<5 {
                let guess = try await H.post(
                    client, "/voucher",
                    form: [
                        ("code", VoucherCode.random(using: &generator).value), ("mac", H.mac), ("router", "nas-cafe"),
                    ])
                #expect(guess.status == .unprocessableContent)
                #expect(guess.body.contains("Mã này không đúng"))
            }
            // The sixth try within 15 minutes is refused before the code is looked at, even a real one.
            let blocked = try await H.post(
                client, "/voucher", form: [("code", codes[1].value), ("mac", H.mac), ("router", "nas-cafe")])
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter].flatMap(Int.init).map { $0 > 0 && $0 <= 900 } == true)
            #expect(try await harness.store.vouchers(batchID: "x").isEmpty)
            #expect(try await harness.store.activeGrant(mac: try MACAddress(H.mac)) == nil)
            // Another device still may.
            let other = try await H.post(
                client, "/voucher",
                form: [("code", codes[1].value), ("mac", "AA:BB:CC:DD:EE:09"), ("router", "nas-cafe")])
            #expect(other.status == .seeOther)
        }
    }

    /// Several nodes: guesses from one device spread over two portals (each with memory of its
    /// own) meet the one limit counted in the database they share; without sharing, each node
    /// would have let five through.
    @Test func guessesSpreadOverTwoNodesMeetOneLimit() async throws {
        for shared in [true, false] {
            let harness = try await H(sharedCodeLimits: shared, "guessesSpreadOverTwoNodes\(shared)")
            let codes = try await Self.batch(harness.store)
            let nodes = [harness.app, try await harness.node()]
            var generator = SystemRandomNumberGenerator()
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<6 {
                let code = VoucherCode.random(using: &generator).value
                let status = try await nodes[index % 2].test(.router) { client in
                    try await H.post(
                        client, "/voucher", form: [("code", code), ("mac", H.mac), ("router", "nas-cafe")]
                    )
                    .status
                }
                statuses.append(status)
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == .unprocessableContent }, "\(statuses)")
            // The sixth guess, and then even a real code, on either node.
            let real = codes[1].value
            for node in nodes {
                let status = try await node.test(.router) { client in
                    try await H.post(
                        client, "/voucher", form: [("code", real), ("mac", H.mac), ("router", "nas-cafe")]
                    )
                    .status
                }
                statuses.append(status)
            }
            if shared {
                #expect(statuses.suffix(3) == [.tooManyRequests, .tooManyRequests, .tooManyRequests], "\(statuses)")
                #expect(try await harness.store.activeGrant(mac: try MACAddress(H.mac)) == nil)
            } else {
                #expect(statuses[5] == .unprocessableContent, "each node alone: three guesses each")
            }
        }
    }
}

/// "Paid already, but this phone shows a new address" on the plans page.
@Suite struct GuestPassMoveTests {
    typealias H = GuestPageHarness

    @Test func theReceiptCodeMovesThePassToThePhonesNewMAC() async throws {
        let harness = try await H()
        let old = try MACAddress(H.mac)
        let purchase = Fixtures.transaction(mac: old)
        try await harness.store.insertTransaction(purchase, actor: "test")
        _ = try await harness.store.confirmPayment(
            PaymentConfirmation(
                transactionID: purchase.id, provider: purchase.provider, providerReference: "SBX-1",
                amount: purchase.amount, at: Date(), actor: "provider:test"))
        try await harness.app.test(.router) { client in
            let newMAC = "F2:AA:BB:CC:DD:01"
            let plans = try await H.get(client, "/?mac=\(newMAC)&ip=10.5.50.9&router=nas-cafe")
            #expect(plans.body.contains("id=\"move\""))
            let moved = try await H.post(
                client, "/move",
                form: [
                    ("receipt", ReceiptCode(of: purchase).description.lowercased()), ("mac", newMAC),
                    ("router", "nas-cafe"),
                ])
            #expect(moved.status == .seeOther)
            #expect(moved.location?.hasPrefix("/pay/\(purchase.id)") == true)
            #expect(try await harness.store.activeGrant(mac: old) == nil)
            #expect(try await harness.store.activeGrant(mac: try MACAddress(newMAC))?.transactionIDs == [purchase.id])
            let wrong = try await H.post(
                client, "/move",
                form: [("receipt", "ZZZZ-ZZZZ-ZZZZ"), ("mac", "F2:AA:BB:CC:DD:02"), ("router", "nas-cafe")])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.body.contains("Không tìm thấy đơn"))
        }
    }
}

/// The attacker on the venue's WiFi: a stranger who knows a paying guest's MAC (anyone can read it).
@Suite struct PassTheftTests {
    typealias H = GuestPageHarness
    static let strangerCookie = "hp_browser=fedcba9876543210fedcba9876543210"
    static let strangerMAC = "F2:66:66:66:66:66"

    /// A guest's paid purchase, bought in the guest's own browser.
    static func paidPurchase(_ harness: H, _ client: some TestClientProtocol) async throws -> Transaction {
        let id = H.transactionID(fromPayPath: try await H.buy(client, extra: [("login", "http://10.5.50.1/login")]))
        _ = try await H.post(client, "/sandbox/wallet/\(id)", form: [("action", "pay")])
        let purchase = try #require(try await harness.store.transaction(id: id))
        #expect(purchase.status == .paid)
        return purchase
    }

    @Test func aStrangerWithTheGuestsMACCannotMoveTheirPass() async throws {
        let harness = try await H(strategy: .login)
        try await harness.app.test(.router) { client in
            let purchase = try await Self.paidPurchase(harness, client)
            let victim = try MACAddress(H.mac)
            let receipt = ReceiptCode(of: purchase)
            // 1. The victim's landing, with the victim's MAC: it leads to the purchase's page.
            let landing = try await H.get(client, H.landing(), cookie: Self.strangerCookie)
            let location = try #require(landing.location)
            #expect(location.hasPrefix("/pay/\(purchase.id)"))
            // 2. The purchase as the API tells a stranger: where it stands, nothing more.
            let api = try await H.get(client, "/api/transactions/\(purchase.id)", cookie: Self.strangerCookie)
            #expect(api.status == .ok)
            let fields = try #require(try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any])
            #expect(Set(fields.keys) == ["id", "status"], "\(api.body)")
            let page = try await H.get(client, location, cookie: Self.strangerCookie)
            for text in [api.body, page.body] {
                #expect(!text.contains(receipt.description) && !text.contains(receipt.value))
                #expect(!text.contains(purchase.orderCode.description))
            }
            // 3. Every code the stranger could have seen, posted to move the pass: refused.
            for guess in [purchase.orderCode.description, purchase.id, String(purchase.id.prefix(12))] {
                let move = try await H.post(
                    client, "/move", form: [("receipt", guess), ("mac", Self.strangerMAC), ("router", "nas-cafe")],
                    cookie: Self.strangerCookie)
                #expect(move.status == .unprocessableContent)
            }
            #expect(try await harness.store.activeGrant(mac: victim)?.transactionIDs == [purchase.id])
            #expect(try await harness.store.activeGrant(mac: try MACAddress(Self.strangerMAC)) == nil)

            // The buyer's own browser sees the receipt code, on the page and through the API.
            let own = try await H.get(client, "/pay/\(purchase.id)")
            #expect(own.body.contains(receipt.description), "\(own.body)")
            let ownAPI = try await H.get(client, "/api/transactions/\(purchase.id)")
            #expect(ownAPI.body.contains(receipt.description) && ownAPI.body.contains(purchase.orderCode.description))
        }
    }

    @Test func theBuyerSeesTheReceiptCodeBeforeLeavingToPayAndAReopenedBrowserGetsThePassBackWithIt()
        async throws
    {
        let harness = try await H(strategy: .login)
        try await harness.app.test(.router) { client in
            let path = try await H.buy(client)
            let id = H.transactionID(fromPayPath: path)
            let purchase = try #require(try await harness.store.transaction(id: id))
            let receipt = ReceiptCode(of: purchase)
            // Before paying: the buyer's page shows it; the page a stranger reaches by the MAC does not.
            #expect(try await H.get(client, path).body.contains(receipt.description))
            let stranger = try await H.get(client, path, cookie: PassTheftTests.strangerCookie)
            #expect(stranger.status == .ok && !stranger.body.contains(receipt.description))
            // The guest pays in the banking app; the mini-browser closed and comes back without cookies.
            _ = try await H.post(client, "/sandbox/wallet/\(id)", form: [("action", "pay")])
            let reopened = try await H.get(client, "/pay/\(id)", cookie: nil)
            #expect(!reopened.body.contains("Thời gian còn lại"))
            let proven = try await H.get(client, "/pay/\(id)?receipt=\(receipt.value.lowercased())", cookie: nil)
            #expect(proven.body.contains("Thời gian còn lại") && proven.headers[.setCookie] != nil)
        }
    }

    @Test func aCodeRedeemedBeforeWithTheGuestsMACMakesNoStrangerItsBuyer() async throws {
        let harness = try await H(strategy: .login)
        // One code for every table: ten devices may use it.
        let codes = try await GuestVoucherTests.batch(harness.store, devices: 10)
        try await harness.app.test(.router) { client in
            let redeemed = try await H.post(
                client, "/voucher", form: [("code", codes[0].value), ("mac", H.mac), ("router", "nas-cafe")])
            let location = try #require(redeemed.location)
            let sale = H.transactionID(fromPayPath: location)
            let purchase = try #require(try await harness.store.transaction(id: sale))
            #expect(try await H.get(client, location).body.contains(ReceiptCode(of: purchase).description))
            // The stranger types the same printed code with the guest's MAC: the old sale, no buyer.
            let again = try await H.post(
                client, "/voucher", form: [("code", codes[0].value), ("mac", H.mac), ("router", "nas-cafe")],
                cookie: Self.strangerCookie)
            #expect(again.location?.hasPrefix("/pay/\(sale)") == true)
            let page = try await H.get(client, try #require(again.location), cookie: Self.strangerCookie)
            #expect(!page.body.contains(ReceiptCode(of: purchase).description))
            #expect(!page.body.contains("Thời gian còn lại"))
            let api = try await H.get(client, "/api/transactions/\(sale)", cookie: Self.strangerCookie)
            #expect(!api.body.contains("receiptCode") && !api.body.contains(purchase.orderCode.description))
        }
    }

    @Test func thePhoneThePassMovedToSeesItAndIsLoggedInAsItsNewMAC() async throws {
        let harness = try await H(strategy: .login)
        try await harness.app.test(.router) { client in
            let purchase = try await Self.paidPurchase(harness, client)
            let receipt = ReceiptCode(of: purchase)
            let newMAC = "F2:AA:BB:CC:DD:11"
            let chap = [
                ("login", "http://10.5.50.1/login"), ("chap_id", #"\001"#), ("chap_challenge", #"\002\003\004"#),
            ]
            // The phone's new address, its own browser (no cookie yet).
            let moved = try await H.post(
                client, "/move?lang=en",
                form: [("receipt", receipt.description), ("mac", newMAC), ("router", "nas-cafe")] + chap, cookie: nil)
            #expect(moved.status == .seeOther)
            let cookie = try #require(moved.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            let page = try await H.get(client, try #require(moved.location), cookie: cookie)
            #expect(!page.body.contains("used up"), "\(page.body)")
            #expect(page.body.contains("Time left"))
            #expect(page.body.contains(#"name="username" value="\#(newMAC)""#), "\(page.body)")
            // Reopening the portal from the new MAC resumes the same purchase, not the plans.
            let reopened = try await H.get(
                client, "/?mac=\(newMAC)&ip=10.5.50.9&router=nas-cafe&lang=en", cookie: cookie)
            #expect(reopened.location?.hasPrefix("/pay/\(purchase.id)") == true, "\(reopened.status)")
            // Online means the new MAC's session, not the old one's.
            try await harness.store.recordSession(
                RadiusSession(
                    routerID: "cafe", acctSessionID: "new-1", mac: try MACAddress(newMAC), userName: newMAC,
                    framedIP: nil, startedAt: Date(), updatedAt: Date()))
            let state = try await H.get(client, "/pay/\(purchase.id)/state", cookie: cookie)
            #expect(state.body.contains(#""state":"online""#), "\(state.body)")
        }
    }
}

/// The connected page's top-up: a pass running low is extended, not replaced.
@Suite struct GuestTopUpTests {
    typealias H = GuestPageHarness

    @Test func aPassRunningLowIsToppedUpInOneTapAndTheLiveSessionIsToldByCoA() async throws {
        let harness = try await H()
        try await harness.app.test(.router) { client in
            let first = H.transactionID(fromPayPath: try await H.buy(client))
            let purchase = try #require(try await harness.store.transaction(id: first))
            // Paid 50 minutes ago: ten minutes of the hour are left, and the device is online.
            _ = try await harness.store.confirmPayment(
                PaymentConfirmation(
                    transactionID: first, provider: .sandbox, providerReference: "SBX-LOW", amount: purchase.amount,
                    at: Date().addingTimeInterval(-50 * 60), actor: "provider:sandbox"))
            let mac = try MACAddress(H.mac)
            try await harness.store.recordSession(
                RadiusSession(
                    routerID: "cafe", acctSessionID: "live-1", mac: mac, userName: H.mac, framedIP: nil,
                    startedAt: Date(), updatedAt: Date()))
            let grant = try #require(try await harness.store.activeGrant(mac: mac))
            let page = try await H.get(client, "/pay/\(first)")
            #expect(page.body.contains("id=\"running-low\""), "\(page.body)")
            #expect(page.body.contains("data-plan=\"1d\""))

            // One tap on "+ 1 ngày": a new purchase, paid, extends the same grant.
            let topUp = try await H.post(
                client, "/checkout?lang=vi",
                form: [
                    ("plan", "1d"), ("provider", "sandbox"), ("mac", H.mac), ("ip", "10.5.50.7"), ("router", "cafe"),
                ])
            #expect(topUp.status == .seeOther)
            let second = H.transactionID(fromPayPath: try #require(topUp.location))
            #expect(second != first)
            let bought = try #require(try await harness.store.transaction(id: second))
            let applied = try await harness.store.confirmPayment(
                PaymentConfirmation(
                    transactionID: second, provider: .sandbox, providerReference: "SBX-TOPUP", amount: bought.amount,
                    at: Date(), actor: "provider:sandbox"))
            guard case .applied(_, let extended, let job, _) = applied else {
                Issue.record("expected the top-up applied, got \(applied)")
                return
            }
            #expect(extended.id == grant.id && extended.transactionIDs == [first, second])
            #expect(extended.validUntil.timeIntervalSince(grant.validUntil) > 86_000)
            #expect(job?.action == .coa && job?.mac == mac)
            let after = try await H.get(client, "/pay/\(second)")
            #expect(!after.body.contains("id=\"running-low\""))
        }
    }
}

/// A few phones at the venue (behind the hotspot's NAT, so one address) sending garbage codes.
@Suite struct CodeFloodTests {
    typealias H = GuestPageHarness

    @Test func aGuestWithARightCodeGetsInDuringAFloodOfWrongOnes() async throws {
        let harness = try await H()
        let codes = try await GuestVoucherTests.batch(harness.store)
        try await harness.app.test(.router) { client in
            var generator = SystemRandomNumberGenerator()
            // 60 bad moves and 60 bad vouchers from three made-up devices each, one address.
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<120 {
                let mac = "F2:00:00:00:00:0\(index % 3)"
                let page =
                    index % 2 == 0
                    ? try await H.post(
                        client, "/move",
                        form: [("receipt", "ZZZZ-ZZZZ-ZZZZ"), ("mac", mac), ("router", "nas-cafe")], cookie: nil)
                    : try await H.post(
                        client, "/voucher",
                        form: [
                            ("code", VoucherCode.random(using: &generator).value), ("mac", mac), ("router", "nas-cafe"),
                        ], cookie: nil)
                statuses.append(page.status)
            }
            // The flooding devices are stopped (their own limit)…
            #expect(statuses.suffix(10).allSatisfy { $0 == .tooManyRequests }, "\(statuses.suffix(10))")
            // …and a guest's phone with a real code, from the same address, still gets in.
            let guest = try await H.post(
                client, "/voucher", form: [("code", codes[0].value), ("mac", H.mac), ("router", "nas-cafe")])
            #expect(guest.status == .seeOther, "\(guest.status)")
            #expect(try await harness.store.activeGrant(mac: try MACAddress(H.mac)) != nil)
        }
    }
}
