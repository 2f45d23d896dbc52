import Checkout
import Console
import Foundation
import HotspotPayCore
import Hummingbird
import Logging
import Payments
import Store

/// The captive portal as a guest's phone sees it: plans → pay page (QR, pay button, countdown,
/// live status) → connected, or closed with "try again". Server-rendered and usable without
/// JavaScript; scripts only add the countdown, the live status and the automatic router login.
public struct GuestPages: Sendable {
    let store: any HotspotStore
    let checkout: CheckoutService
    let pages: PortalPages
    let routers: RouterIndex
    let throttle: CheckoutThrottle
    let options: Options
    let proxies: TrustedProxies
    let clock: @Sendable () -> Date
    let codeLimits: GuestCodeLimits
    /// Status streams open now (``Options/eventStreamLimit``).
    let openStreams = OpenStreams()

    /// How the portal behaves beyond its templates.
    public struct Options: Sendable {
        /// Embedded defaults: a browser without a MAC plays a made-up device (kept in a cookie).
        public var demo: Bool
        /// How long a status stream stays open before the page falls back to polling.
        public var eventStreamSeconds: Int
        /// Embedded defaults: told when a demo device opens the portal, so the demo router sees it join.
        public var demoDeviceSeen: (@Sendable (String) async -> Void)?
        /// Redeems "I have a code" on the plans page; nil: the form is not shown.
        public var vouchers: VoucherRedeemer?
        /// Moves a pass to this device's new MAC by its receipt code; nil: the form is not shown.
        public var moves: GrantMover?
        /// Told of each device the plans page is shown to (with its code for the counter), so a
        /// cash sale to a code no device was shown is questioned.
        public var seenDevices: SeenDevices?
        /// Status streams open at once on this node; past it a page is told to poll (503): each
        /// stream reads the database every second, so 2,000 of them cost most of a core.
        public var eventStreamLimit: Int

        public init(
            demo: Bool = false, eventStreamSeconds: Int = 600,
            demoDeviceSeen: (@Sendable (String) async -> Void)? = nil,
            vouchers: VoucherRedeemer? = nil, moves: GrantMover? = nil, eventStreamLimit: Int = 256,
            seenDevices: SeenDevices? = nil
        ) {
            self.seenDevices = seenDevices
            self.demo = demo
            self.eventStreamSeconds = eventStreamSeconds
            self.eventStreamLimit = eventStreamLimit
            self.demoDeviceSeen = demoDeviceSeen
            self.vouchers = vouchers
            self.moves = moves
        }
    }

    public init(
        store: any HotspotStore, routers: RouterSnapshot, checkout: CheckoutService, pages: PortalPages,
        throttle: CheckoutThrottle, codeLimits: GuestCodeLimits = GuestCodeLimits(), options: Options = Options(),
        proxies: TrustedProxies = TrustedProxies(), clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.checkout = checkout
        self.pages = pages
        self.routers = RouterIndex(snapshot: routers)
        self.throttle = throttle
        self.codeLimits = codeLimits
        self.options = options
        self.proxies = proxies
        self.clock = clock
    }

    static let demoCookie = "hp_demo_device"

    func register(on router: Hummingbird.Router<PortalRequestContext>) {
        router.get("/") { request, context in try await landing(request, context: context) }
        router.post("/checkout") { request, context in try await startCheckout(request, context: context) }
        router.post("/voucher") { request, context in try await redeemVoucher(request, context: context) }
        router.post("/move") { request, context in try await movePass(request, context: context) }
        router.get("/pay/{id}") { request, context in try await payPage(request, context: context) }
        router.get("/pay/{id}/state") { _, context in try await stateJSON(context: context) }
        router.get("/pay/{id}/events") { _, context in try await events(context: context) }
        router.get("/mikrotik/login.html") { _, _ -> Response in
            guard let page = pages.routerLoginPage(publicURL: checkout.urls.publicURL) else {
                throw HTTPError(.notFound, message: "portal/mikrotik/login.html is not installed")
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8",
                    .contentDisposition: #"attachment; filename="login.html""#,
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
        }
    }

    // MARK: Plans

    func landing(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let language = Self.language(request)
        var visit = GuestVisit(fields: Self.query(request))
        var demoCookie: String?
        if visit.mac == nil, options.demo {
            if let remembered = request.cookies[Self.demoCookie]?.value, (try? MACAddress(remembered)) != nil {
                visit.mac = remembered
            } else {
                visit.mac = Self.madeUpDevice()
                demoCookie = visit.mac
            }
        }
        guard let macText = visit.mac else {
            return message(request, language, status: .badRequest, heading: "noDeviceHeading", text: "noDeviceText")
        }
        let mac: MACAddress
        do { mac = try MACAddress(macText) } catch {
            return message(request, language, status: .badRequest, heading: "badRequestHeading", raw: error.description)
        }
        if options.demo, let seen = options.demoDeviceSeen, demoCookie != nil || isDemoDevice(request, visit) {
            await seen(mac.description)
        }
        guard let router = try routers.resolve(visit.router) else {
            context.logger.notice("landing from an unknown router", metadata: ["router": "\(visit.router ?? "-")"])
            return message(
                request, language, status: .notFound, heading: "unknownRouterHeading", text: "unknownRouterText")
        }
        visit.router = router.id
        let browser = GuestBrowser(request)
        var response: Response
        if !visit.fresh, let latest = try await resumablePurchase(mac: mac) {
            // Resuming by MAC is what survives the captive browser closing, but a MAC is public:
            // only the buyer's browser may change what is stored for the purchase. Anyone else's
            // login context travels in the link, for this page view only.
            let login = visit.hotspotLogin.flatMap { router.serves($0) ? $0 : nil }
            if let login, try await isBuyer(browser, of: latest) {
                try await store.saveHotspotLogin(login, transactionID: latest.id, at: clock())
            }
            // The router sends its login page again when a login failed; showing its error and
            // not logging in automatically again keeps a failing login from looping.
            let routerError = Self.query(request)["error"].flatMap { $0.isEmpty ? nil : $0 }
            var suffix = routerError.map { "&router_error=" + FormURLEncoding.encode(String($0.prefix(200))) } ?? ""
            if login != nil {
                suffix +=
                    "&"
                    + visit.loginFields.map { "\($0.name)=\(FormURLEncoding.encode($0.value))" }
                    .joined(separator: "&")
            }
            response = Self.redirect(to: "/pay/\(latest.id)?lang=\(language.rawValue)\(suffix)")
        } else {
            response = try await plansPage(
                request, language, visit: visit,
                demo: options.demo && demoCookie != nil || isDemoDevice(request, visit),
                error: nil, status: .ok)
        }
        if let demoCookie {
            response.headers.append(
                .init(
                    name: .setCookie,
                    value: "\(Self.demoCookie)=\(demoCookie); Path=/; Max-Age=86400; SameSite=Lax; HttpOnly"))
        }
        if browser == nil {
            response.headers.append(.init(name: .setCookie, value: GuestBrowser.new().setCookie(secure: secureCookies)))
        }
        return response
    }

    /// Cookies are marked Secure when guests reach the portal over HTTPS.
    var secureCookies: Bool { checkout.urls.publicURL.lowercased().hasPrefix("https://") }

    /// Whether `browser` is a proven buyer of `transaction` (its checkout, or the receipt code typed in).
    func isBuyer(_ browser: GuestBrowser?, of transaction: Transaction) async throws -> Bool {
        guard let browser else { return false }
        return try await store.isBuyerBrowser(digest: browser.digest, transactionID: transaction.id)
    }

    func isDemoDevice(_ request: Request, _ visit: GuestVisit) -> Bool {
        options.demo && visit.mac != nil && request.cookies[Self.demoCookie]?.value == visit.mac
    }

    /// The purchase reopening the portal goes straight back to: the device's own one still being
    /// paid, or the one behind the pass it holds (its own, or one moved to it by a receipt code).
    func resumablePurchase(mac: MACAddress) async throws -> Transaction? {
        let latest = try await store.latestTransaction(mac: mac)
        if let latest, latest.status == .pending, latest.expiresAt > clock() { return latest }
        guard let grant = try await store.activeGrant(mac: mac), !grant.isExhausted(at: clock()) else { return nil }
        if let latest, latest.status == .paid, grant.transactionIDs.contains(latest.id) { return latest }
        guard let newest = grant.transactionIDs.last else { return nil }
        return try await store.transaction(id: newest)
    }

    func plansPage(
        _ request: Request, _ language: Language, visit: GuestVisit, demo: Bool, error: String?,
        status: HTTPResponse.Status, chosen: (plan: String?, provider: String?) = (nil, nil), voucherCode: String? = nil
    ) async throws -> Response {
        let plans = try await store.plans(includeInactive: false)
        let device = visit.mac.flatMap { try? MACAddress($0) }
        if let device { options.seenDevices?.note(device, at: clock()) }
        let providerIDs = checkout.providers(at: try routers.resolve(visit.router)?.address).map(\.id)
        let planValues: [[String: Any]] = plans.enumerated().map { index, plan in
            var summary = [PortalText.duration(seconds: plan.durationSeconds, language, pages)]
            summary.append(plan.dataCapBytes.map(ByteCount.format) ?? pages.text("unlimitedData", language))
            if let speed = plan.rateLimit?.summary { summary.append(speed) }
            return [
                "id": plan.id, "name": plan.name[language], "price": plan.price.formatted(language),
                "summary": summary.joined(separator: " · "),
                "checked": chosen.plan.map { $0 == plan.id } ?? (index == 0),
            ]
        }
        let providerValues: [[String: Any]] = providerIDs.enumerated().map { index, id in
            [
                "id": id.rawValue, "label": pages.text("provider_\(id.rawValue)", language),
                "checked": chosen.provider.map { $0 == id.rawValue } ?? (index == 0),
            ]
        }
        var values: [String: Any] = [
            "title": pages.text("titlePlans", language), "plans": planValues, "providers": providerValues,
            "hidden": visit.fields.map { ["name": $0.name, "value": $0.value] },
            "demo": demo, "device": visit.mac ?? "",
            // For paying cash at the counter: the cashier types this code.
            "deviceCode": device.map { DeviceCode(mac: $0).description } ?? "",
            "vouchers": options.vouchers != nil, "moves": options.moves != nil,
            // A printed card's QR opens the portal with its code filled in.
            "voucherCode": voucherCode ?? request.uri.queryParameters.get("code").map { String($0) } ?? "",
            "voucherOpen": voucherCode != nil || request.uri.queryParameters.get("code") != nil,
        ]
        if let error { values["error"] = error }
        if providerIDs.isEmpty { values["noProviders"] = true }
        return html(request, language, template: "plans", values: values, status: status)
    }

    func startCheckout(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let language = Self.language(request)
        let body = try await request.body.collect(upTo: 16 * 1024)
        let form = FormFields.decode(String(buffer: body))
        let visit = GuestVisit(fields: form)
        let demo = isDemoDevice(request, visit)
        guard let plan = form["plan"], let provider = form["provider"], let macText = visit.mac else {
            return try await plansPage(
                request, language, visit: visit, demo: demo, error: pages.text("missingChoice", language),
                status: .badRequest)
        }
        // Bad input is refused before anything is counted against the device or the address.
        let mac: MACAddress
        do { mac = try MACAddress(macText) } catch {
            return message(request, language, status: .badRequest, heading: "badRequestHeading", raw: error.description)
        }
        guard let router = try routers.resolve(visit.router) else {
            return message(
                request, language, status: .notFound, heading: "unknownRouterHeading", text: "unknownRouterText")
        }
        let address = proxies.clientAddress(request, context)
        let browser = GuestBrowser(request) ?? GuestBrowser.new()
        let started: CheckoutService.Checkout
        do {
            started = try await throttle.whileReserved(mac: mac, browser: GuestBrowser(request)?.id, address: address) {
                try await checkout.start(
                    .init(plan: plan, provider: provider, mac: mac.description, ip: visit.ip, router: router.id),
                    language: language)
            }
        } catch let wait as CheckoutThrottle.Wait {
            context.logger.notice("checkout throttled", metadata: ["mac": "\(mac)", "address": "\(address)"])
            var response = message(
                request, language, status: .tooManyRequests, heading: "tooManyHeading", text: "tooManyText")
            response.headers[.retryAfter] = "\(wait.seconds)"
            return response
        } catch let error as CheckoutError {
            context.logger.notice("checkout refused", metadata: ["reason": "\(error)", "mac": "\(mac)"])
            let text: String
            switch error {
            case .paymentRequestFailed: text = pages.text("providerFailed", language)
            case .unknownPlan, .planNotOnSale: text = pages.text("planGone", language)
            default: text = error.description
            }
            return try await plansPage(
                request, language, visit: visit, demo: demo, error: text, status: PortalRoutes.status(for: error),
                chosen: (plan, provider))
        }
        try await store.addBuyerBrowser(digest: browser.digest, transactionID: started.transaction.id, at: clock())
        if let login = visit.hotspotLogin {
            if router.serves(login) {
                try await store.saveHotspotLogin(login, transactionID: started.transaction.id, at: clock())
            } else {
                context.logger.warning(
                    "login URL not on the router's hotspot address: ignored",
                    metadata: [
                        "router": "\(router.id)", "host": "\(login.host ?? "-")",
                        "hotspot_address":
                            "\(router.hotspotAddress ?? "not set: hotspotpay routers update --hotspot-address")",
                    ])
            }
        }
        context.logger.info(
            "transaction created",
            metadata: [
                "order": "\(started.transaction.orderCode)", "plan": "\(plan)", "mac": "\(started.transaction.mac)",
                "provider": "\(provider)",
            ])
        var response = Self.redirect(to: "/pay/\(started.transaction.id)?lang=\(language.rawValue)")
        if GuestBrowser(request) == nil {
            response.headers[.setCookie] = browser.setCookie(secure: secureCookies)
        }
        return response
    }

    // MARK: Helpers

    func html(
        _ request: Request, _ language: Language, template: String, values: [String: Any],
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let page = pages.render(
            template, language: language, switchURL: Self.switchURL(request, to: language.other), values: values)
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .init("X-Content-Type-Options")!: "nosniff", .init("Referrer-Policy")!: "no-referrer",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }

    func message(
        _ request: Request, _ language: Language, status: HTTPResponse.Status, heading: String, text: String? = nil,
        raw: String? = nil, link: (url: String, label: String)? = nil
    ) -> Response {
        var values: [String: Any] = [
            "title": pages.text("titleError", language), "heading": pages.text(heading, language),
            "text": raw ?? text.map { pages.text($0, language) } ?? "",
        ]
        if let link { values["link"] = ["url": link.url, "label": link.label] }
        return html(request, language, template: "message", values: values, status: status)
    }

    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func language(_ request: Request) -> Language {
        request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:)) ?? .vi
    }

    /// The query as form fields (`+` is a space, as RouterOS's `-esc` variables write it).
    static func query(_ request: Request) -> [String: String] {
        if let raw = request.uri.query, let fields = try? FormURLEncoding.decodeQuery(raw) { return fields }
        var fields: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { fields[String(key)] = String(value) }
        return fields
    }

    /// The same page in the other language.
    static func switchURL(_ request: Request, to language: Language) -> String {
        var pairs = query(request).filter { $0.key != "lang" }.sorted { $0.key < $1.key }
        pairs.append(("lang", language.rawValue))
        return request.uri.path + "?"
            + pairs.map { "\(FormURLEncoding.encode($0.key))=\(FormURLEncoding.encode($0.value))" }.joined(
                separator: "&")
    }

    /// A locally administered address for the demo's pretend device.
    static func madeUpDevice() -> String {
        var octets = (0..<6).map { _ in UInt8.random(in: 0...255) }
        octets[0] = (octets[0] & 0xFC) | 0x02
        return MACAddress(octets: octets).description
    }
}
