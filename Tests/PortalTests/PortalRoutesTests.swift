import Checkout
import Foundation
import HotspotPayCore
import Hummingbird
import HummingbirdTesting
import Logging
import Payments
import Portal
import Store
import TestSupport
import Testing

@Suite struct PortalRoutesTests {
    struct Harness {
        let store: SQLiteStore
        let app: Application<RouterResponder<PortalRequestContext>>

        init(_ label: String = #function) async throws {
            let directory = try Fixtures.temporaryDirectory(label)
            let key = try SecretKey(bytes: Array(repeating: 3, count: 32))
            store = try SQLiteStore(
                path: directory.appendingPathComponent("portal.sqlite").path, cipher: SecretCipher(key: key))
            try await store.addPlan(Fixtures.plan(), actor: "test")
            try await store.addPlan(Fixtures.plan(id: "off", active: false), actor: "test")
            try await store.addRouter(Fixtures.router(), actor: "test")
            let urls = PortalURLs(publicURL: "http://portal.test")
            let providers = PaymentProviders([
                SandboxProvider(
                    secret: Secret("sandbox-secret"), walletBaseURL: urls.sandboxWallet,
                    // A stand-in for a real provider: the test routers are not on loopback.
                    unsafeFakePayments: true)
            ])
            let router = Hummingbird.Router(context: PortalRequestContext.self)
            PortalRoutes(
                store: store,
                checkout: CheckoutService(store: store, providers: providers, urls: urls, paymentWindowSeconds: 900),
                callbacks: CallbackService(store: store, providers: providers, logger: Logger(label: "test"))
            ).register(on: router)
            app = Application(router: router)
        }
    }

    static func body(_ fields: [String: String]) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: fields))
    }

    static let valid = [
        "plan": "1h", "provider": "sandbox", "mac": "aa-bb-cc-dd-ee-01", "router": "cafe", "ip": "10.5.50.7",
    ]

    @Test func healthzAnswersOKWhenTheDatabaseAnswers() async throws {
        let harness = try await Harness()
        try await harness.app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
            }
        }
    }

    @Test func creatingATransactionStoresItPendingAndHidesTheCallbackToken() async throws {
        let harness = try await Harness()
        try await harness.app.test(.router) { client in
            try await client.execute(uri: "/api/transactions", method: .post, body: Self.body(Self.valid)) { response in
                #expect(response.status == .created)
                let text = String(buffer: response.body)
                let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
                #expect(json["status"] as? String == "pending")
                #expect(json["mac"] as? String == "AA:BB:CC:DD:EE:01")
                #expect(json["amount"] as? Int == 10_000)
                let id = try #require(json["id"] as? String)
                let stored = try #require(await harness.store.transaction(id: id))
                #expect(!text.contains(stored.callbackToken.hex))
                #expect(!text.lowercased().contains("token"))
                // This client sent no browser cookie: it is nobody's buyer, and learns only the state.
                try await client.execute(uri: "/api/transactions/\(id)", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == #"{"id":"\#(id)","status":"pending"}"#)
                }
            }
        }
    }

    @Test func theBuyersBrowserReadsItsPurchaseAndTheReceiptCodeOnceItIsPaid() async throws {
        let harness = try await Harness()
        let buyer: HTTPFields = [.cookie: "hp_browser=0123456789abcdef0123456789abcdef"]
        try await harness.app.test(.router) { client in
            let id = try await client.execute(
                uri: "/api/transactions", method: .post, headers: buyer, body: Self.body(Self.valid)
            ) { response in
                let json = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))
                return try #require((json as? [String: Any])?["id"] as? String)
            }
            let stored = try #require(try await harness.store.transaction(id: id))
            try await client.execute(uri: "/api/transactions/\(id)", method: .get, headers: buyer) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(stored.orderCode.description) && !text.contains("receiptCode"))
            }
            _ = try await harness.store.confirmPayment(
                PaymentConfirmation(
                    transactionID: id, provider: .sandbox, providerReference: "SBX-API", amount: stored.amount,
                    at: Date(), actor: "test"))
            try await client.execute(uri: "/api/transactions/\(id)", method: .get, headers: buyer) { response in
                #expect(String(buffer: response.body).contains(ReceiptCode(of: stored).description))
            }
            try await client.execute(uri: "/api/transactions/\(id)", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"id":"\#(id)","status":"paid"}"#)
            }
        }
    }

    @Test(arguments: [
        (["mac": "not-a-mac"], HTTPResponse.Status.badRequest, "not a MAC address"),
        (["mac": "01:00:5E:00:00:01"], .badRequest, "group address"),
        (["ip": "10.5.50"], .badRequest, "not an IP address"),
        (["plan": "9h"], .notFound, "no plan '9h'"),
        (["plan": "off"], .unprocessableContent, "not on sale"),
        (["provider": "momo"], .unprocessableContent, "'momo' is not enabled"),
        (["router": "elsewhere"], .notFound, "no router 'elsewhere'"),
    ])
    func badRequestsGetAClearAnswerAndStoreNothing(
        change: [String: String], status: HTTPResponse.Status, message: String
    ) async throws {
        let harness = try await Harness()
        try await harness.app.test(.router) { client in
            try await client.execute(
                uri: "/api/transactions", method: .post, body: Self.body(Self.valid.merging(change) { $1 })
            ) { response in
                #expect(response.status == status)
                #expect(String(buffer: response.body).contains(message), "\(String(buffer: response.body))")
            }
        }
        #expect(try await harness.store.transactions(matching: TransactionFilter()).isEmpty)
    }

    @Test func malformedJSONIsABadRequest() async throws {
        let harness = try await Harness()
        try await harness.app.test(.router) { client in
            for body in ["{", "[]", #"{"plan": 1}"#, String(repeating: "x", count: 10_000)] {
                try await client.execute(uri: "/api/transactions", method: .post, body: ByteBuffer(string: body)) {
                    response in
                    #expect(response.status == .badRequest)
                }
            }
            try await client.execute(uri: "/api/transactions/nope", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func plansAreListedInTheGuestsLanguage() async throws {
        let harness = try await Harness()
        try await harness.app.test(.router) { client in
            try await client.execute(uri: "/api/plans?lang=en", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("Plan 1h"))
                #expect(text.contains("10,000 VND"))
                #expect(!text.contains("\"off\""))
            }
            try await client.execute(uri: "/api/plans", method: .get) { response in
                #expect(String(buffer: response.body).contains("10.000 ₫"))
            }
        }
    }
}
