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

/// The portal's guest pages over a real SQLite store, the sandbox provider and the templates in
/// `portal/`, driven in-process.
struct GuestPageHarness {
    let store: SQLiteStore
    let app: Application<RouterResponder<PortalRequestContext>>

    static let portalDirectory = Fixtures.repositoryRoot.appendingPathComponent("portal").path
    static let mac = "AA:BB:CC:DD:EE:07"
    /// The guest's own browser (its `hp_browser` cookie); pass `cookie: nil` to be a stranger.
    static let browserCookie = "hp_browser=0123456789abcdef0123456789abcdef"
    /// Where the router's hotspot answers guests (its login page's host).
    static let hotspotAddress = "10.5.50.1"

    init(
        strategy: UnlockStrategy = .coa, demo: Bool = false, throttle: CheckoutThrottle = CheckoutThrottle(),
        extraRouter: Bool = false, eventStreamSeconds: Int = 2, publicURL: String = "http://portal.test",
        sharedCodeLimits: Bool = false, eventStreamLimit: Int = 256, _ label: String = #function
    ) async throws {
        let directory = try Fixtures.temporaryDirectory(label)
        store = try SQLiteStore(
            path: directory.appendingPathComponent("guest.sqlite").path,
            cipher: SecretCipher(key: try SecretKey(bytes: Array(repeating: 9, count: 32))))
        try await store.addPlan(Fixtures.plan(), actor: "test")
        try await store.addPlan(
            Fixtures.plan(id: "1d", price: 30_000, seconds: 86_400, dataCap: 5_000_000_000), actor: "test")
        try await store.addPlan(Fixtures.plan(id: "off", active: false), actor: "test")
        var cafe = Fixtures.router(strategy: strategy)
        cafe.hotspotAddress = Self.hotspotAddress
        try await store.addRouter(cafe, actor: "test")
        if extraRouter { try await store.addRouter(Fixtures.router(id: "bar", address: "10.0.0.2"), actor: "test") }
        self.setup = Setup(
            demo: demo, sharedCodeLimits: sharedCodeLimits, eventStreamSeconds: eventStreamSeconds,
            publicURL: publicURL, eventStreamLimit: eventStreamLimit)
        app = try await Self.app(store, throttle: throttle, setup)
    }

    /// What each node of the harness is built with.
    struct Setup {
        var demo: Bool
        var sharedCodeLimits: Bool
        var eventStreamSeconds: Int
        var publicURL: String
        var eventStreamLimit: Int
    }

    let setup: Setup

    /// Another portal on the same database, with memory of its own: a second node.
    func node() async throws -> Application<RouterResponder<PortalRequestContext>> {
        try await Self.app(store, throttle: CheckoutThrottle(), setup)
    }

    static func app(_ store: SQLiteStore, throttle: CheckoutThrottle, _ setup: Setup) async throws
        -> Application<RouterResponder<PortalRequestContext>>
    {
        let urls = PortalURLs(publicURL: setup.publicURL)
        let providers = PaymentProviders([
            SandboxProvider(
                secret: Secret("sandbox-secret"), walletBaseURL: urls.sandboxWallet,
                // A stand-in for a real provider: the test routers are not on loopback.
                unsafeFakePayments: true)
        ])
        let checkout = CheckoutService(store: store, providers: providers, urls: urls, paymentWindowSeconds: 900)
        let pages = try await PortalPages.load(directory: Self.portalDirectory)
        let router = Hummingbird.Router(context: PortalRequestContext.self)
        PortalRoutes(
            store: store, checkout: checkout,
            callbacks: CallbackService(store: store, providers: providers, logger: Logger(label: "test")),
            guestPages: GuestPages(
                store: store, routers: RouterSnapshot(store), checkout: checkout, pages: pages, throttle: throttle,
                codeLimits: GuestCodeLimits(shared: setup.sharedCodeLimits ? store : nil),
                options: .init(
                    demo: setup.demo, eventStreamSeconds: setup.eventStreamSeconds,
                    vouchers: VoucherRedeemer(store: store), moves: GrantMover(store: store),
                    eventStreamLimit: setup.eventStreamLimit))
        ).register(on: router)
        return Application(router: router)
    }

    struct Page {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
        var location: String? { headers[.location] }
    }

    static func get(_ client: some TestClientProtocol, _ uri: String, cookie: String? = browserCookie) async throws
        -> Page
    {
        var headers = HTTPFields()
        if let cookie { headers[.cookie] = cookie }
        return try await client.execute(uri: uri, method: .get, headers: headers) { response in
            Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    static func post(
        _ client: some TestClientProtocol, _ uri: String, form: [(String, String)], cookie: String? = browserCookie
    ) async throws -> Page {
        let body = form.map { "\($0.0)=\(FormURLEncoding.encode($0.1))" }.joined(separator: "&")
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        return try await client.execute(
            uri: uri, method: .post, headers: headers,
            body: ByteBuffer(string: body)
        ) { response in
            Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    /// The landing's query as `login.html` sends it, plus `extra`.
    static func landing(_ extra: String = "") -> String {
        "/?mac=\(FormURLEncoding.encode(mac))&ip=10.5.50.7&router=nas-cafe" + extra
    }

    /// Picks `plan` and the sandbox on the plans form; returns the pay page's path.
    static func buy(_ client: some TestClientProtocol, plan: String = "1h", extra: [(String, String)] = []) async throws
        -> String
    {
        let page = try await post(
            client, "/checkout?lang=vi",
            form: [("plan", plan), ("provider", "sandbox"), ("mac", mac), ("ip", "10.5.50.7"), ("router", "cafe")]
                + extra)
        guard page.status == .seeOther, let location = page.location else {
            throw HarnessError.unexpected("checkout answered \(page.status): \(page.body.prefix(300))")
        }
        return location
    }

    static func transactionID(fromPayPath path: String) -> String {
        String(path.dropFirst("/pay/".count).prefix { $0 != "?" })
    }

    enum HarnessError: Error { case unexpected(String) }
}
