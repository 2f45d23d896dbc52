import Checkout
import FakeProviders
import Foundation
import HotspotPayCore
import Hummingbird
import HummingbirdTesting
import Logging
import Payments
import Portal
import Store
import Synchronization
import TestSupport
import Testing

/// Callbacks over real HTTP: the fake providers deliver to a live portal on a real store.
@Suite struct CallbackRoutesTests {
    static let publicURL = "http://portal.test"

    struct Harness {
        let store: SQLiteStore
        let app: Application<RouterResponder<PortalRequestContext>>

        init(fakeBase: String, _ label: String = #function) async throws {
            let directory = try Fixtures.temporaryDirectory(label)
            store = try SQLiteStore(
                path: directory.appendingPathComponent("callbacks.sqlite").path,
                cipher: SecretCipher(key: try SecretKey(bytes: Array(repeating: 5, count: 32))))
            try await store.addPlan(Fixtures.plan(), actor: "test")
            try await store.addRouter(Fixtures.router(), actor: "test")
            let urls = PortalURLs(publicURL: CallbackRoutesTests.publicURL)
            let logger = Logger(label: "callbacks-test")
            let http = AsyncHTTPProviderClient()
            let providers = PaymentProviders([
                MoMoProvider(settings: FakeSettings.momo(fakeBase), http: http, logger: logger),
                VNPayProvider(settings: FakeSettings.vnpay(fakeBase), http: http, logger: logger),
                SandboxProvider(
                    secret: Secret("sandbox-secret"), walletBaseURL: urls.sandboxWallet,
                    // A stand-in for a real provider: the test routers are not on loopback.
                    unsafeFakePayments: true),
            ])
            let router = Hummingbird.Router(context: PortalRequestContext.self)
            PortalRoutes(
                store: store,
                checkout: CheckoutService(store: store, providers: providers, urls: urls, paymentWindowSeconds: 900),
                callbacks: CallbackService(store: store, providers: providers, logger: logger)
            ).register(on: router)
            app = Application(router: router)
        }

        /// Creates a transaction through the API and returns its JSON answer.
        func buy(_ client: some TestClientProtocol, provider: String, mac: String = "aa:bb:cc:dd:ee:01")
            async throws -> [String: Any]
        {
            let body = try JSONSerialization.data(withJSONObject: [
                "plan": "1h", "provider": provider, "mac": mac, "router": "cafe", "ip": "10.5.50.7",
            ])
            return try await client.execute(uri: "/api/transactions", method: .post, body: ByteBuffer(bytes: body)) {
                response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                return try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))
                    as! [String: Any]
            }
        }
    }

    /// The portal's public address as the proxy in front of it would map it.
    static func local(_ url: String, port: Int) -> String {
        url.replacingOccurrences(of: publicURL, with: "http://127.0.0.1:\(port)")
    }

    @Test func aMoMoPaymentDeliveredTwelveTimesAtOnceMakesOneGrantAndOneUnlock() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let harness = try await Harness(fakeBase: base)
            try await harness.app.test(.live) { client in
                let bought = try await harness.buy(client, provider: "momo")
                let payment = try #require(bought["payment"] as? [String: Any])
                #expect((payment["payURL"] as? String)?.hasPrefix("https://test-payment.momo.vn") == true)
                let (url, body) = try await fake.momoIPN(orderID: payment["providerOrderID"] as! String)
                let data = try JSONSerialization.data(withJSONObject: body)
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<12 {
                        group.addTask {
                            try await FakeProviderServer.deliver(
                                "POST", Self.local(url, port: client.port!),
                                headers: ["content-type": "application/json"], body: Array(data)
                            ).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses == Array(repeating: 204, count: 12))
                let id = bought["id"] as! String
                let stored = try #require(await harness.store.transaction(id: id))
                #expect(stored.status == .paid)
                #expect(stored.providerReference == String(describing: body["transId"]!))
                #expect(try await harness.store.unlockJobs(transactionID: id).count == 1)
                #expect(try await harness.store.activeGrant(mac: Fixtures.mac) != nil)
            }
        }
    }

    @Test func aForgedMoMoIPNIsRefusedAuditedAndChangesNothing() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let harness = try await Harness(fakeBase: base)
            try await harness.app.test(.live) { client in
                let bought = try await harness.buy(client, provider: "momo")
                let payment = try #require(bought["payment"] as? [String: Any])
                var (url, body) = try await fake.momoIPN(orderID: payment["providerOrderID"] as! String)
                body["amount"] = 1_000
                let answer = try await FakeProviderServer.deliver(
                    "POST", Self.local(url, port: client.port!), headers: ["content-type": "application/json"],
                    body: Array(try JSONSerialization.data(withJSONObject: body)))
                #expect(answer.status == 400)
                let id = bought["id"] as! String
                #expect(try await harness.store.transaction(id: id)?.status == .pending)
                let audit = try await harness.store.recentAuditEvents(limit: 10)
                #expect(audit.contains { $0.kind == .callbackRejected && $0.actor == "provider:momo" })
            }
        }
    }

    @Test func aGenuinelySignedMoMoIPNSentByGETWithoutTheTokenConfirmsNothing() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let harness = try await Harness(fakeBase: base)
            try await harness.app.test(.live) { client in
                let bought = try await harness.buy(client, provider: "momo")
                let payment = try #require(bought["payment"] as? [String: Any])
                let (_, body) = try await fake.momoIPN(orderID: payment["providerOrderID"] as! String)
                // The signed fields as a redirect's query: what anyone who saw the guest's return URL holds.
                let fields = body.mapValues { "\($0)" }
                let local = "http://127.0.0.1:\(client.port!)/callbacks/momo?"
                let answer = try await FakeProviderServer.deliver("GET", local + FakeProviderServer.query(fields))
                #expect(answer.status == 400, "\(answer.status)")
                let id = bought["id"] as! String
                #expect(try await harness.store.transaction(id: id)?.status == .pending)
                #expect(try await harness.store.activeGrant(mac: MACAddress("aa:bb:cc:dd:ee:01")) == nil)
                let audit = try await harness.store.recentAuditEvents(limit: 10)
                #expect(audit.contains { $0.kind == .callbackRejected && $0.detail.contains("GET is refused") })
            }
        }
    }

    @Test func vnpayIPNsGetRspCodesOverHTTP() async throws {
        let port = Mutex(0)
        let fake = FakeProviderServer(callbackBase: { "http://127.0.0.1:\(port.withLock { $0 })/callbacks" })
        try await fake.run { base in
            let harness = try await Harness(fakeBase: base)
            try await harness.app.test(.live) { client in
                port.withLock { $0 = client.port! }
                let bought = try await harness.buy(client, provider: "vnpay")
                let payment = try #require(bought["payment"] as? [String: Any])
                #expect(try await FakeProviderServer.deliver("GET", payment["payURL"] as! String).status == 200)
                let txnRef = payment["providerOrderID"] as! String
                let fields = try await fake.vnpayIPNFields(txnRef: txnRef)
                let forged = FakeProviderServer.query(fields.merging(["vnp_Amount": "100"]) { $1 })
                let local = "http://127.0.0.1:\(client.port!)/callbacks/vnpay?"
                #expect(try await FakeProviderServer.deliver("GET", local + forged).body.contains(#""RspCode":"97""#))
                let first = try await FakeProviderServer.deliver("GET", local + FakeProviderServer.query(fields))
                #expect(first.status == 200 && first.body == #"{"RspCode":"00","Message":"Confirm Success"}"#)
                let again = try await FakeProviderServer.deliver("GET", local + FakeProviderServer.query(fields))
                #expect(again.body.contains(#""RspCode":"02""#))
                #expect(try await harness.store.transaction(id: bought["id"] as! String)?.status == .paid)
            }
        }
    }

    @Test func theSandboxWalletPaysThroughTheSameVerification() async throws {
        let harness = try await Harness(fakeBase: "http://127.0.0.1:9")
        try await harness.app.test(.live) { client in
            let bought = try await harness.buy(client, provider: "sandbox")
            let id = bought["id"] as! String
            let payment = try #require(bought["payment"] as? [String: Any])
            let page = try await FakeProviderServer.deliver(
                "GET", Self.local(payment["payURL"] as! String, port: client.port!))
            #expect(page.status == 200 && page.body.contains(bought["orderCode"] as! String))
            let paid = try await FakeProviderServer.deliver(
                "POST", Self.local(payment["payURL"] as! String, port: client.port!),
                headers: ["content-type": "application/x-www-form-urlencoded"], body: Array("action=pay".utf8),
                followRedirects: false)
            // Like a real wallet, it sends the browser back to the order's page.
            #expect(paid.status == 303 && paid.location == "/pay/\(id)")
            #expect(try await harness.store.transaction(id: id)?.status == .paid)
            #expect(try await harness.store.unlockJobs(transactionID: id).count == 1)
            let audit = try await harness.store.auditEvents(transactionID: id)
            #expect(audit.contains { $0.kind == .paymentConfirmed && $0.actor == "provider:sandbox" })
        }
    }

    @Test func unconfiguredEndpointsAndOversizedBodiesAreAnsweredPlainly() async throws {
        let harness = try await Harness(fakeBase: "http://127.0.0.1:9")
        try await harness.app.test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)/callbacks"
            #expect(try await FakeProviderServer.deliver("POST", base + "/payos", body: Array("{}".utf8)).status == 404)
            let huge = Array(repeating: UInt8(ascii: "a"), count: 100_000)
            #expect(try await FakeProviderServer.deliver("POST", base + "/momo/x", body: huge).status == 413)
            let garbage = try await FakeProviderServer.deliver("POST", base + "/sandbox/x", body: [0xFF, 0x00, 0x7B])
            #expect(garbage.status == 400)
        }
    }

    @Test func aRefusedCreateCancelsTheOrderAndSaysWhy() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            await fake.ledger.setMoMoCreateResultCode(22)
            let harness = try await Harness(fakeBase: base)
            try await harness.app.test(.router) { client in
                let body = try JSONSerialization.data(withJSONObject: [
                    "plan": "1h", "provider": "momo", "mac": "aa:bb:cc:dd:ee:01", "router": "cafe",
                ])
                try await client.execute(uri: "/api/transactions", method: .post, body: ByteBuffer(bytes: body)) {
                    response in
                    #expect(response.status == .badGateway)
                    #expect(String(buffer: response.body).contains("code 22"))
                }
                let all = try await harness.store.transactions(matching: TransactionFilter())
                #expect(all.count == 1 && all.first?.status == .cancelled)
            }
        }
    }
}
