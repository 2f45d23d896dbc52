import Console
import Foundation
import HotspotPayCore
import Hummingbird
import Payments

/// The operator console's web pages under `/admin`: server-rendered from `portal/admin/`,
/// forms that work without JavaScript, Vietnamese first. Every page but sign-in sits behind
/// ``AdminAuthMiddleware``; every form carries the session's CSRF token.
public struct AdminWebRoutes: Sendable {
    let console: OperatorConsole
    let pages: PortalPages
    /// Cookies get the Secure flag when the public URL is HTTPS.
    let secureCookies: Bool
    /// The RouterOS setup script for a router (`hotspotpay routeros-script`), when the daemon can make one.
    let routerScript: (@Sendable (HotspotPayCore.Router) throws -> String)?

    /// The console's templates.
    public static let requiredTemplates = [
        "head", "foot", "style", "login", "message", "dashboard", "sales", "sales_table", "sale", "devices", "plans",
        "plan_form", "plan_edit", "routers", "router_form", "router_edit", "router_doctor", "revenue", "audit",
        "operators", "vouchers", "voucher_sheet",
    ]

    /// Whose `X-Forwarded-For` names the client: behind Caddy or nginx every sign-in comes from
    /// the proxy, and throttling the proxy's address would lock every operator out.
    let proxies: TrustedProxies
    /// Where guests reach the portal (printed on voucher cards as a QR); nil: the request's host.
    let publicURL: String?
    /// `providers.sandbox.unsafe_fake_payments` is on: every page shows a red banner.
    let unsafeFakePayments: Bool

    public init(
        console: OperatorConsole, pages: PortalPages, secureCookies: Bool,
        routerScript: (@Sendable (HotspotPayCore.Router) throws -> String)? = nil,
        proxies: TrustedProxies = TrustedProxies(), publicURL: String? = nil, unsafeFakePayments: Bool = false
    ) {
        self.unsafeFakePayments = unsafeFakePayments
        self.proxies = proxies
        self.publicURL = publicURL
        self.console = console
        self.pages = pages
        self.secureCookies = secureCookies
        self.routerScript = routerScript
    }

    /// Loads `portal/admin` beside the guest portal's folder.
    public static func loadPages(portalDirectory: String) async throws(PortalPages.LoadError) -> PortalPages {
        try await PortalPages.load(directory: portalDirectory + "/admin", required: requiredTemplates)
    }

    public func register(on router: Hummingbird.Router<PortalRequestContext>) {
        registerSignIn(on: router)
        let admin = router.group("admin").add(middleware: AdminAuthMiddleware(accounts: console.accounts))
            .add(middleware: StaffAccess(surface: .pages))
        registerSales(on: admin)
        registerCatalog(on: admin)
        registerOperators(on: admin)
        registerVouchers(on: admin)
        registerWebhooks(on: admin)
        registerProviderKeys(on: admin)
    }

    // MARK: Rendering

    static func language(_ request: Request) -> Language {
        if let chosen = request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:)) { return chosen }
        return request.cookies[AdminSession.languageCookie].flatMap { Language(rawValue: $0.value) } ?? .vi
    }

    /// A page with the layout's values: who is signed in, the CSRF token, the active menu
    /// entry, a flash message from `?ok=` and an error box.
    func page(
        _ template: String, _ request: Request, _ context: PortalRequestContext, nav: String, title: String,
        values: [String: Any], status: HTTPResponse.Status = .ok, error: ConsoleError? = nil
    ) -> Response {
        let language = Self.language(request)
        var values = values
        values["title"] = title
        values["nav"] = [nav: true]
        values["fakePayments"] = unsafeFakePayments
        if let identity = context.identity {
            values["me"] = identity.person.username
            values["csrf"] = identity.csrfToken ?? ""
            // The menu shows what this operator's role may open (the pages check it again).
            values["can"] = Dictionary(
                uniqueKeysWithValues: StaffPermission.allCases.map { ($0.rawValue, identity.person.role.allows($0)) })
        }
        if let ok = request.uri.queryParameters.get("ok") { values["flash"] = pages.text("flash_" + ok, language) }
        if let error {
            switch error {
            case .invalid(let problems):
                values["error"] = pages.text("error_fix", language)
                values["problems"] = problems.map { ["field": $0.field, "message": $0.message] }
            default: values["error"] = error.description
            }
        }
        // `{{#has.list}}` guards a list's heading and table: Mustache has no "is not empty" test.
        var has: [String: Bool] = [:]
        for (key, value) in values {
            if let list = value as? [Any] { has[key] = !list.isEmpty }
        }
        values["has"] = has
        let html = pages.render(
            template, language: language, switchURL: GuestPages.switchURL(request, to: language.other), values: values)
        var response = Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .init("X-Content-Type-Options")!: "nosniff", .init("Referrer-Policy")!: "same-origin",
                .init("X-Frame-Options")!: "DENY",
                .init("Content-Security-Policy")!:
                    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
        if let chosen = request.uri.queryParameters.get("lang"), Language(rawValue: chosen) != nil {
            response.setCookie(
                Cookie(
                    name: AdminSession.languageCookie, value: chosen, maxAge: 365 * 86_400, path: "/admin",
                    secure: secureCookies, httpOnly: true, sameSite: .lax))
        }
        return response
    }

    func text(_ key: String, _ request: Request) -> String { pages.text(key, Self.language(request)) }

    func money(_ money: Money, _ request: Request) -> String { money.formatted(Self.language(request)) }

    func time(_ date: Date) -> String { console.venue.text(date) }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// The urlencoded form of a POST (already read by the CSRF check).
    static func form(_ request: Request) async -> [String: String] {
        var request = request
        guard let body = try? await request.collectBody(upTo: AdminAuthMiddleware.maximumFormBytes) else { return [:] }
        return FormFields.decode(String(buffer: body))
    }

    /// A page for an error that has no form to go back to.
    func failure(_ error: ConsoleError, _ request: Request, _ context: PortalRequestContext) -> Response {
        let heading = error.isNotFound ? text("notFoundHeading", request) : error.description
        return page(
            "message", request, context, nav: "", title: heading,
            values: ["heading": heading, "text": error.description], status: AdminResponses.status(for: error))
    }
}

extension ConsoleError {
    var isNotFound: Bool {
        if case .notFound = self { return true }
        return false
    }
}
