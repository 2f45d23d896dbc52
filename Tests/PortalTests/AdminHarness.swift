import Console
import Foundation
import HotspotPayCore
import Hummingbird
import HummingbirdTesting
import Logging
import Payments
import Portal
import Store
import TestSupport

/// The operator console (API and pages) over a real SQLite store and the sandbox provider, driven
/// in-process, with one operator `lan` and a bearer token acting as them.
struct AdminHarness {
    let store: SQLiteStore
    let sandbox: SandboxProvider
    let console: OperatorConsole
    let app: Application<RouterResponder<PortalRequestContext>>
    let token: String

    static let password = "correct horse battery"

    init(_ label: String = #function) async throws {
        let directory = try Fixtures.temporaryDirectory(label)
        store = try SQLiteStore(
            path: directory.appendingPathComponent("admin.sqlite").path,
            cipher: SecretCipher(key: try SecretKey(bytes: Array(repeating: 4, count: 32))))
        try await store.addPlan(Fixtures.plan(), actor: "test")
        try await store.addRouter(Fixtures.router(), actor: "test")
        sandbox = SandboxProvider(
            secret: Secret("sandbox-secret"), walletBaseURL: "http://portal.test/sandbox/wallet",
            // A stand-in for a real provider: the test routers are not on loopback.
            unsafeFakePayments: true)
        console = OperatorConsole(
            store: store, providers: PaymentProviders([sandbox]), logger: Logger(label: "test"),
            hasher: CryptPasswordHasher(cost: 1))
        let lan = try await console.accounts.addOperator(
            username: "lan", displayName: "Lan", password: Self.password, actor: "test")
        token = try await console.accounts.createToken(name: "tests", for: lan, actor: "test").secret
        let router = Hummingbird.Router(context: PortalRequestContext.self)
        AdminAPIRoutes(console: console, idempotency: store).register(on: router)
        AdminWebRoutes(
            console: console,
            pages: try await AdminWebRoutes.loadPages(portalDirectory: GuestPageHarness.portalDirectory),
            secureCookies: false, proxies: TrustedProxies(["127.0.0.1"])
        ).register(on: router)
        app = Application(router: router)
    }

    struct Reply {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
        var location: String? { headers[.location] }
        /// `name=value` of a Set-Cookie, ready for a Cookie header.
        func cookie(_ name: String) -> String? {
            headers[values: .setCookie].first { $0.hasPrefix(name + "=") }.map {
                String($0.prefix { $0 != ";" })
            }
        }
    }

    /// A JSON call with the bearer token (or `headers` as given).
    static func call(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, json: String? = nil,
        headers: HTTPFields? = nil, token: String?
    ) async throws -> Reply {
        var fields = headers ?? HTTPFields()
        if let token { fields[.authorization] = "Bearer \(token)" }
        if json != nil { fields[.contentType] = "application/json" }
        return try await client.execute(
            uri: uri, method: method, headers: fields, body: json.map { ByteBuffer(string: $0) }
        ) { response in
            Reply(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    static func form(
        _ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)], cookie: String?
    ) async throws -> Reply {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        let body = fields.map { "\($0.0)=\(FormURLEncoding.encode($0.1))" }.joined(separator: "&")
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) {
            response in
            Reply(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    /// Signs in through the login form; returns the session cookie and the page's CSRF token.
    static func signIn(
        _ client: some TestClientProtocol, username: String = "lan", password: String = AdminHarness.password
    ) async throws -> (cookie: String, csrf: String) {
        let login = try await call(client, .get, "/admin/login", token: nil)
        let loginCookie = try require2(login.cookie("hp_login"))
        let token = try require2(Self.hidden("_csrf", in: login.body))
        let signedIn = try await form(
            client, "/admin/login",
            [("_csrf", token), ("username", username), ("password", password), ("next", "/admin")],
            cookie: loginCookie)
        let session = try require2(signedIn.cookie("hp_session"))
        // Every role may open the counter's page (a cashier's /admin is a redirect to it).
        let counter = try await call(client, .get, "/admin/devices", headers: [.cookie: session], token: nil)
        return (session, try require2(Self.hidden("_csrf", in: counter.body)))
    }

    /// The value of the first hidden input named `name`.
    static func hidden(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// A sandbox sale paid through the wallet, so the sandbox can refund it.
    func paidSale(mac: MACAddress = Fixtures.mac) async throws -> Transaction {
        let transaction = Fixtures.transaction(mac: mac)
        try await store.insertTransaction(transaction, actor: "test")
        _ = await sandbox.walletCallback(for: transaction, pay: true)
        guard case .paid(let reference, _) = await sandbox.ledger.entry(ProviderOrderID(transaction).description)
        else { throw Missing(what: "sandbox payment") }
        _ = try await store.confirmPayment(
            PaymentConfirmation(
                transactionID: transaction.id, provider: .sandbox, providerReference: reference,
                amount: transaction.amount, at: Date(), actor: "provider:sandbox"))
        return try await store.transaction(id: transaction.id)!
    }

    struct Missing: Error { let what: String }
}

/// `#require` for helpers outside a test body.
func require2<T>(_ value: T?, _ what: String = "value") throws -> T {
    guard let value else { throw AdminHarness.Missing(what: what) }
    return value
}
