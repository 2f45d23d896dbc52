import Crypto
import Foundation
import HotspotPayCore
import Hummingbird
import HummingbirdTesting
import Payments
import Portal
import Store
import TestSupport
import Testing

@Suite struct GuestPagesTests {
    typealias H = GuestPageHarness

    @Test func aBrowserWithoutADeviceIsToldToJoinTheWiFi() async throws {
        try await H().app.test(.router) { client in
            let page = try await H.get(client, "/")
            #expect(page.status == .badRequest)
            #expect(page.body.contains("Hãy kết nối WiFi trước"))
        }
    }

    @Test func theLandingListsPlansOnSaleInVietnameseAndSwitchesToEnglish() async throws {
        try await H().app.test(.router) { client in
            let vi = try await H.get(client, H.landing())
            #expect(vi.status == .ok)
            #expect(vi.body.contains("Gói 1h") && vi.body.contains("10.000 ₫") && vi.body.contains("30.000 ₫"))
            #expect(vi.body.contains("5GB"))
            #expect(!vi.body.contains("Gói off"))
            #expect(vi.body.contains(#"<input type="hidden" name="mac" value="AA:BB:CC:DD:EE:07">"#))
            // The router's identity was resolved to its id.
            #expect(vi.body.contains(#"<input type="hidden" name="router" value="cafe">"#))
            #expect(vi.body.contains("lang=en"))
            let en = try await H.get(client, H.landing("&lang=en"))
            #expect(
                en.body.contains("Plan 1h") && en.body.contains("10,000 VND") && en.body.contains("Choose a package"))
        }
    }

    @Test func aDeviceBehindAnUnknownRouterIsNotSold() async throws {
        try await H(extraRouter: true).app.test(.router) { client in
            let page = try await H.get(client, "/?mac=AA:BB:CC:DD:EE:07&router=somewhere-else")
            #expect(page.status == .notFound)
            #expect(page.body.contains("WiFi này chưa được đăng ký"))
            let bad = try await H.get(client, "/?mac=not-a-mac&router=cafe")
            #expect(bad.status == .badRequest)
        }
    }

    @Test func choosingAPlanShowsThePayPageWithItsQRCodeAmountAndOrderCode() async throws {
        let harness = try await H()
        try await harness.app.test(.router) { client in
            let path = try await H.buy(client, plan: "1d")
            let id = H.transactionID(fromPayPath: path)
            let transaction = try #require(try await harness.store.transaction(id: id))
            #expect(transaction.status == .pending && transaction.planID == "1d")
            let page = try await H.get(client, path)
            #expect(page.status == .ok)
            #expect(page.body.contains("<svg") && page.body.contains("30.000 ₫"))
            #expect(page.body.contains(transaction.orderCode.description))
            #expect(page.body.contains("http://portal.test/sandbox/wallet/\(id)"))
            #expect(page.body.contains(#"data-state="pending""#))
            // The stored payment request is what the page showed.
            #expect(try await harness.store.paymentRequest(transactionID: id)?.payURL != nil)
        }
    }

    @Test func reopeningThePortalFromTheSameDeviceResumesThePurchase() async throws {
        try await H().app.test(.router) { client in
            let path = try await H.buy(client)
            let again = try await H.get(client, H.landing())
            #expect(again.status == .seeOther)
            #expect(again.location == "/pay/\(H.transactionID(fromPayPath: path))?lang=vi")
            // "Choose another" opts out of resuming.
            let fresh = try await H.get(client, H.landing("&new=1"))
            #expect(fresh.status == .ok && fresh.body.contains("Gói 1h"))
        }
    }

    @Test func payingInTheSandboxWalletLeadsBackToThePaidPageThenOnlineOnceTheRouterAcknowledges() async throws {
        let harness = try await H()
        try await harness.app.test(.router) { client in
            let path = try await H.buy(client)
            let id = H.transactionID(fromPayPath: path)
            let wallet = try await H.post(client, "/sandbox/wallet/\(id)", form: [("action", "pay")])
            #expect(wallet.status == .seeOther && wallet.location == "/pay/\(id)")
            let paid = try await H.get(client, "/pay/\(id)")
            #expect(paid.body.contains("Đã thanh toán, đang mở mạng"))
            #expect(paid.body.contains("Thời gian còn lại") && paid.body.contains("59 phút"))
            #expect(try await H.get(client, "/pay/\(id)/state").body == #"{"state":"paid","status":"paid"}"#)
            // The router acknowledges the CoA.
            let job = try #require(try await harness.store.unlockJobs(transactionID: id).first)
            _ = try await harness.store.apply(.send, toUnlockJob: job.id, at: Date(), nextAttemptAt: nil, error: nil)
            _ = try await harness.store.apply(
                .acknowledge, toUnlockJob: job.id, at: Date(), nextAttemptAt: nil, error: nil)
            let online = try await H.get(client, "/pay/\(id)?lang=en")
            #expect(online.body.contains("You are online") && online.body.contains(#"data-state="online""#))
            #expect(try await H.get(client, "/pay/\(id)/state").body.contains(#""state":"online""#))
        }
    }

    @Test func anExpiredPurchaseOffersToTryAgainForTheSameDevice() async throws {
        let harness = try await H()
        try await harness.app.test(.router) { client in
            let path = try await H.buy(client)
            let id = H.transactionID(fromPayPath: path)
            _ = try await harness.store.apply(.expire, toTransaction: id, at: Date(), actor: "test", detail: "")
            let page = try await H.get(client, path)
            #expect(page.body.contains("Đã hết thời gian thanh toán") && page.body.contains("Thử lại"))
            #expect(
                page.body.contains(
                    "/?mac=AA%3ABB%3ACC%3ADD%3AEE%3A07&amp;ip=10.5.50.7&amp;router=cafe&amp;lang=vi&amp;new=1"))
            // Nothing to resume any more: the landing shows the plans.
            #expect(try await H.get(client, H.landing()).status == .ok)
        }
    }

    @Test func unknownOrdersGetAPageNotAStackTrace() async throws {
        try await H().app.test(.router) { client in
            let page = try await H.get(client, "/pay/no-such-order")
            #expect(page.status == .notFound && page.body.contains("Không tìm thấy đơn"))
        }
    }

    // MARK: login strategy

    static let chapID = #"\371"#
    static let chapChallenge = #"\357\015\330\013\021\234\145\245\303\253\142\246\133\175\375\316"#

    @Test func theLoginStrategyLogsTheDeviceInWithACHAPHashOfTheOneTimeSecret() async throws {
        let harness = try await H(strategy: .login)
        try await harness.app.test(.router) { client in
            let path = try await H.buy(
                client,
                extra: [
                    ("login", "http://10.5.50.1/login"), ("orig", "http://example.com/"), ("chap_id", Self.chapID),
                    ("chap_challenge", Self.chapChallenge),
                ])
            let id = H.transactionID(fromPayPath: path)
            // Before payment no secret leaves the server.
            #expect(!(try await H.get(client, path).body.contains(#"name="password""#)))
            _ = try await H.post(client, "/sandbox/wallet/\(id)", form: [("action", "pay")])
            let secret = try #require(try await harness.store.transaction(id: id)?.loginSecret)
            let expected = Insecure.MD5.hash(
                data: [0o371] + Array(secret.text.utf8) + HotspotLogin.octalEscapes(Self.chapChallenge)!
            ).map { String(format: "%02x", $0) }.joined()
            let page = try await H.get(client, "/pay/\(id)")
            #expect(
                page.body.contains(#"<form id="login" method="post" action="http://10.5.50.1/login" data-auto="1">"#))
            #expect(page.body.contains(#"name="username" value="AA:BB:CC:DD:EE:07""#))
            #expect(page.body.contains(#"name="password" value="\#(expected)""#))
            #expect(!page.body.contains(secret.text))
            #expect(page.body.contains(#"name="dst" value="http://example.com/""#))
        }
    }

    @Test func withoutACHAPChallengeTheSecretIsPostedAsIsButOnlyFromAnHTTPSPortal() async throws {
        for publicURL in ["https://wifi.cafe.vn", "http://portal.test"] {
            let harness = try await H(strategy: .login, publicURL: publicURL)
            try await harness.app.test(.router) { client in
                let path = try await H.buy(client, extra: [("login", "https://10.5.50.1/login")])
                let id = H.transactionID(fromPayPath: path)
                _ = try await H.post(client, "/sandbox/wallet/\(id)", form: [("action", "pay")])
                let secret = try #require(try await harness.store.transaction(id: id)?.loginSecret)
                let page = try await H.get(client, path).body
                #expect(page.contains(#"name="password" value="\#(secret.text)""#) == publicURL.hasPrefix("https"))
                #expect(page.contains(secret.text) == publicURL.hasPrefix("https"))
            }
        }
    }

    // MARK: resume by MAC (a MAC is public: anyone on the WiFi can read it)

    @Test func aStrangerWithTheGuestsMACLearnsNoSecretAndChangesNothing() async throws {
        let harness = try await H(strategy: .login)
        try await harness.app.test(.router) { client in
            let path = try await H.buy(
                client,
                extra: [
                    ("login", "http://10.5.50.1/login"), ("orig", "http://example.com/"), ("chap_id", Self.chapID),
                    ("chap_challenge", Self.chapChallenge),
                ])
            let id = H.transactionID(fromPayPath: path)
            _ = try await H.post(client, "/sandbox/wallet/\(id)", form: [("action", "pay")])
            let transaction = try #require(try await harness.store.transaction(id: id))
            let secret = try #require(transaction.loginSecret)
            let stored = try await harness.store.hotspotLogin(transactionID: id)

            // A stranger's browser names the guest's MAC and plants its own login page.
            let planted = "&login=http%3A%2F%2Fevil.example%2Flogin&chap_id=%5C001&chap_challenge=%5C002%5C003"
            let resumed = try await H.get(client, H.landing(planted), cookie: nil)
            #expect(resumed.status == .seeOther)
            let location = try #require(resumed.location)
            #expect(!location.contains("evil.example"))
            let page = try await H.get(client, location, cookie: nil)
            for leak in [secret.text, transaction.orderCode.description, "Thời gian còn lại", "evil.example"] {
                #expect(!page.body.contains(leak), "the stranger's page shows \(leak)")
            }
            #expect(!page.body.contains(#"id="login""#))
            // A wrong receipt code proves nothing, and nor does the order code.
            let guess = try await H.get(client, "/pay/\(id)?receipt=ZZZZZZZZZZZZ", cookie: nil)
            #expect(!guess.body.contains("Thời gian còn lại") && guess.headers[.setCookie] == nil)
            let order = try await H.get(client, "/pay/\(id)?receipt=\(transaction.orderCode)", cookie: nil)
            #expect(!order.body.contains("Thời gian còn lại") && order.headers[.setCookie] == nil)
            #expect(!guess.body.contains("Thời gian còn lại") && guess.headers[.setCookie] == nil)
            // Nothing stored for the purchase changed.
            #expect(try await harness.store.hotspotLogin(transactionID: id) == stored)
            // With the router's real login page and a challenge of the stranger's choosing (a
            // spoofed MAC at the router would accept that answer).
            let ownChallenge = "&login=http%3A%2F%2F10.5.50.1%2Flogin&chap_id=%5C001&chap_challenge=%5C002%5C003"
            let chap = try await H.get(
                client, try #require(try await H.get(client, H.landing(ownChallenge), cookie: nil).location),
                cookie: nil)
            #expect(!chap.body.contains(secret.text) && !chap.body.contains(transaction.orderCode.description))
            // Nor even that: a challenge the stranger chose gets no CHAP answer at all.
            #expect(!chap.body.contains(#"id="login""#) && !chap.body.contains(#"name="password""#))
            #expect(!chap.body.contains(ReceiptCode(of: transaction).description))
            #expect(try await harness.store.hotspotLogin(transactionID: id) == stored)
        }
    }

    @Test func theGuestsReopenedMiniBrowserResumesAndLogsInWithTheRoutersFreshChallenge() async throws {
        let harness = try await H(strategy: .login)
        try await harness.app.test(.router) { client in
            let path = try await H.buy(
                client,
                extra: [
                    ("login", "http://10.5.50.1/login"), ("chap_id", Self.chapID),
                    ("chap_challenge", Self.chapChallenge),
                ])
            let id = H.transactionID(fromPayPath: path)
            _ = try await H.post(client, "/sandbox/wallet/\(id)", form: [("action", "pay")])
            let transaction = try #require(try await harness.store.transaction(id: id))
            let secret = try #require(transaction.loginSecret)
            // The mini-browser opens again with an empty cookie jar and a new challenge.
            let fresh = #"\044\045\046"#
            let query =
                "&login=http%3A%2F%2F10.5.50.1%2Flogin&chap_id=%5C007&chap_challenge=" + FormURLEncoding.encode(fresh)
            let resumed = try await H.get(client, H.landing(query), cookie: nil)
            let location = try #require(resumed.location)
            #expect(location.hasPrefix("/pay/\(id)?"))
            let page = try await H.get(client, location, cookie: nil)
            // Without the checkout's cookie this browser could be anyone's: no login (the unlock
            // worker logs the device in), only the receipt form, which carries the fresh context.
            #expect(!page.body.contains(#"id="login""#), "\(page.body)")
            #expect(page.body.contains(#"name="receipt""#) && page.body.contains("chap_challenge"))
            let expected = Insecure.MD5.hash(data: [0o007] + Array(secret.text.utf8) + [0o044, 0o045, 0o046])
                .map { String(format: "%02x", $0) }.joined()
            // Typing the receipt code proves the buyer: details, the login, and this browser is remembered.
            let receipt = ReceiptCode(of: transaction)
            let proven = try await H.get(
                client, "/pay/\(id)?receipt=\(receipt.description.lowercased())" + query, cookie: nil)
            #expect(
                proven.body.contains("Thời gian còn lại") && proven.body.contains(transaction.orderCode.description))
            #expect(proven.body.contains(receipt.description))
            #expect(proven.body.contains(#"action="http://10.5.50.1/login" data-auto="1""#), "\(proven.body)")
            #expect(proven.body.contains(#"name="password" value="\#(expected)""#))
            #expect(!proven.body.contains(secret.text))
            let cookie = try #require(proven.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            #expect(try await H.get(client, "/pay/\(id)", cookie: cookie).body.contains("Thời gian còn lại"))
        }
    }

    @Test func aLoginURLOffTheRoutersHotspotAddressIsNeverStored() async throws {
        let harness = try await H(strategy: .login)
        try await harness.app.test(.router) { client in
            let path = try await H.buy(client, extra: [("login", "http://evil.example/login")])
            let id = H.transactionID(fromPayPath: path)
            #expect(try await harness.store.hotspotLogin(transactionID: id) == nil)
            _ = try await H.post(client, "/sandbox/wallet/\(id)", form: [("action", "pay")])
            #expect(!(try await H.get(client, path).body.contains("evil.example")))
        }
    }

    @Test func aFailedRouterLoginIsShownAndNotRetriedAutomatically() async throws {
        let harness = try await H(strategy: .login)
        try await harness.app.test(.router) { client in
            let chap = [
                ("login", "http://10.5.50.1/login"), ("chap_id", Self.chapID), ("chap_challenge", Self.chapChallenge),
            ]
            let path = try await H.buy(client, extra: chap)
            let id = H.transactionID(fromPayPath: path)
            _ = try await H.post(client, "/sandbox/wallet/\(id)", form: [("action", "pay")])
            let back = try await H.get(
                client,
                H.landing(
                    "&" + chap.map { "\($0.0)=\(FormURLEncoding.encode($0.1))" }.joined(separator: "&")
                        + "&error=invalid+password"))
            #expect(back.status == .seeOther)
            let location = try #require(back.location)
            #expect(location.contains("router_error=invalid"))
            let page = try await H.get(client, location)
            #expect(page.body.contains("invalid password") && page.body.contains(#"data-auto="0""#))
        }
    }

    @Test func aCoARouterNeedsNoBrowserLogin() async throws {
        let harness = try await H(strategy: .coa)
        try await harness.app.test(.router) { client in
            let path = try await H.buy(client, extra: [("login", "http://10.5.50.1/login")])
            _ = try await H.post(
                client, "/sandbox/wallet/\(H.transactionID(fromPayPath: path))", form: [("action", "pay")])
            #expect(!(try await H.get(client, path).body.contains(#"id="login""#)))
        }
    }

    // MARK: limits, API, demo

    @Test func aDeviceStartingTooManyPurchasesIsSlowedDown() async throws {
        let throttle = CheckoutThrottle(perDevice: .init(attempts: 2, windowSeconds: 600))
        try await H(throttle: throttle).app.test(.router) { client in
            _ = try await H.buy(client)
            _ = try await H.buy(client)
            let page = try await H.post(
                client, "/checkout",
                form: [("plan", "1h"), ("provider", "sandbox"), ("mac", H.mac), ("router", "cafe")])
            #expect(page.status == .tooManyRequests)
            #expect(page.headers[.retryAfter].flatMap(Int.init).map { $0 > 0 && $0 <= 600 } == true)
            #expect(page.body.contains("Bạn thao tác quá nhanh"))
            // The JSON API from the same browser shares the counter; another spelling of the MAC is
            // the same device.
            let api = try await client.execute(
                uri: "/api/transactions", method: .post,
                headers: [.contentType: "application/json", .cookie: H.browserCookie],
                body: ByteBuffer(
                    string: #"{"plan":"1h","provider":"sandbox","mac":"aa-bb-cc-dd-ee-07","router":"cafe"}"#)
            ) { $0.status }
            #expect(api == .tooManyRequests)
        }
    }

    @Test func aFormWithoutAChoiceAsksForOne() async throws {
        try await H().app.test(.router) { client in
            let page = try await H.post(client, "/checkout", form: [("mac", H.mac), ("router", "cafe")])
            #expect(page.status == .badRequest && page.body.contains("Hãy chọn một gói"))
            let gone = try await H.post(
                client, "/checkout",
                form: [("plan", "off"), ("provider", "sandbox"), ("mac", H.mac), ("router", "cafe")])
            #expect(gone.status == .unprocessableContent && gone.body.contains("Gói này không còn bán"))
        }
    }

    @Test func theCaptivePortalAPIReportsTimeLeftOnlyToThePaidDeviceItself() async throws {
        let harness = try await H()
        try await harness.app.test(.live) { client in
            let before = try await H.get(client, "/api/captive?mac=\(H.mac)")
            #expect(before.headers[.contentType] == "application/captive+json")
            #expect(before.body == #"{"captive":true,"user-portal-url":"http://portal.test/?mac=AA:BB:CC:DD:EE:07"}"#)
            let path = try await H.buy(client)
            _ = try await H.post(
                client, "/sandbox/wallet/\(H.transactionID(fromPayPath: path))", form: [("action", "pay")])
            // Asked from an address the router does not report for the device: only "not captive".
            let stranger = try await H.get(client, "/api/captive?mac=\(H.mac)", cookie: nil)
            #expect(
                stranger.body == #"{"captive":false,"user-portal-url":"http://portal.test/?mac=AA:BB:CC:DD:EE:07"}"#,
                "\(stranger.body)")
            // The router's accounting puts the device at the caller's address (this test's 127.0.0.1).
            let now = Date()
            try await harness.store.recordSession(
                RadiusSession(
                    routerID: "cafe", acctSessionID: "s1", mac: try MACAddress(H.mac), userName: H.mac,
                    framedIP: try IPAddress("127.0.0.1"), startedAt: now, updatedAt: now))
            for uri in ["/api/captive?mac=\(H.mac)", "/api/captive"] {
                let own = try await H.get(client, uri)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(own.body.utf8)) as? [String: Any])
                #expect(json["captive"] as? Bool == false)
                #expect((json["seconds-remaining"] as? Int).map { $0 > 3500 && $0 <= 3600 } == true, "\(own.body)")
                #expect(json["can-extend-session"] as? Bool == true)
            }
            #expect(try await H.get(client, "/api/captive?mac=zz").status == .badRequest)
        }
    }

    @Test func theStatusStreamSendsTheStateAsServerSentEvents() async throws {
        try await H(eventStreamSeconds: 1).app.test(.router) { client in
            let path = try await H.buy(client)
            let stream = try await H.get(client, "/pay/\(H.transactionID(fromPayPath: path))/events")
            #expect(stream.headers[.contentType] == "text/event-stream")
            #expect(stream.body.contains(#"data: {"state":"pending","status":"pending"}"#))
        }
    }

    @Test func statusStreamsPastTheLimitAreToldToPollAndPlacesComeBack() async throws {
        try await H(eventStreamSeconds: 2, eventStreamLimit: 2).app.test(.router) { client in
            let path = try await H.buy(client)
            let events = "/pay/\(H.transactionID(fromPayPath: path))/events"
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<6 { group.addTask { try await H.get(client, events).status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 2, "\(statuses)")
            #expect(statuses.filter { $0 == .serviceUnavailable }.count == 4, "\(statuses)")
            // The streams ended: their places are free again.
            #expect(try await H.get(client, events).status == .ok)
        }
    }

    @Test func theRouterLoginPageForwardsToThisPortal() async throws {
        try await H().app.test(.router) { client in
            let page = try await H.get(client, "/mikrotik/login.html")
            #expect(page.status == .ok)
            #expect(
                page.body.contains("http://portal.test/?mac=$(mac-esc)&amp;ip=$(ip-esc)&amp;router=$(identity-esc)"))
            #expect(
                page.body.contains("login=$(link-login-only-esc)")
                    && page.body.contains("chap_challenge=$(chap-challenge-esc)"))
            #expect(!page.body.contains("HOTSPOTPAY_PORTAL_URL"))
        }
    }

    @Test func theDemoLetsABrowserWithoutAMACPlayADevice() async throws {
        try await H(demo: true).app.test(.router) { client in
            let first = try await H.get(client, "/")
            #expect(first.status == .ok)
            let cookie = try #require(first.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            #expect(cookie.hasPrefix("hp_demo_device=") && first.body.contains("Bản thử"))
            let device = String(cookie.dropFirst("hp_demo_device=".count))
            let again = try await H.get(client, "/", cookie: cookie + "; " + H.browserCookie)
            #expect(again.headers[.setCookie] == nil && again.body.contains(device))
        }
    }

    @Test func everyGuestPageIsSmallAndMakesNoExternalRequest() async throws {
        let harness = try await H(strategy: .login)
        try await harness.app.test(.router) { client in
            let plans = try await H.get(client, H.landing())
            let path = try await H.buy(client, plan: "1d", extra: [("login", "http://10.5.50.1/login")])
            let id = H.transactionID(fromPayPath: path)
            let pay = try await H.get(client, path)
            _ = try await H.post(client, "/sandbox/wallet/\(id)", form: [("action", "pay")])
            let done = try await H.get(client, path)
            let missing = try await H.get(client, "/pay/none")
            for page in [plans, pay, done, missing] {
                #expect(page.body.utf8.count < 30_000)
                #expect(!page.body.contains("<link") && !page.body.contains(" src=") && !page.body.contains("url("))
                #expect(!page.body.contains("@import"))
                #expect(page.body.contains(#"<meta name="viewport" content="width=device-width,initial-scale=1">"#))
            }
        }
    }
}
