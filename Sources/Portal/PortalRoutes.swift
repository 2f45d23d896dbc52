import Checkout
import Foundation
import HotspotPayCore
import Hummingbird
import Logging
import Payments
import Store

/// The HTTP surface guests' browsers and providers talk to.
public struct PortalRoutes: Sendable {
    let store: any HotspotStore
    let checkout: CheckoutService
    let callbacks: CallbackService
    let guestPages: GuestPages?
    let throttle: CheckoutThrottle
    let proxies: TrustedProxies

    /// `guestPages` nil serves only the JSON API and callbacks (tests of those need no templates).
    public init(
        store: any HotspotStore, checkout: CheckoutService, callbacks: CallbackService, guestPages: GuestPages? = nil,
        throttle: CheckoutThrottle = CheckoutThrottle()
    ) {
        self.store = store
        self.checkout = checkout
        self.callbacks = callbacks
        self.guestPages = guestPages
        self.throttle = guestPages?.throttle ?? throttle
        self.proxies = guestPages?.proxies ?? TrustedProxies()
    }

    /// Adds the routes to `router`.
    public func register(on router: Hummingbird.Router<PortalRequestContext>) {
        router.get("/healthz") { _, _ -> Response in
            do {
                try await store.ping()
                return try Self.json(Health(status: "ok"), status: .ok)
            } catch {
                return try Self.json(Health(status: "database unavailable: \(error)"), status: .serviceUnavailable)
            }
        }
        router.get("/api/plans") { request, _ -> PlanList in
            let language = Language(rawValue: request.uri.queryParameters.get("lang") ?? "vi") ?? .vi
            return PlanList(
                plans: try await store.plans(includeInactive: false).map { PlanView($0, language: language) })
        }
        // A double tap in a flaky captive browser retries with the same key: one order, not two.
        let idempotent = IdempotencyMiddleware(
            store: store, scope: { [proxies] request, context in "guest:" + proxies.clientAddress(request, context) },
            keepsRefusals: false)
        router.group("api/transactions").add(middleware: idempotent).post {
            request, context -> EditedResponse<TransactionView> in
            let body: CheckoutService.Request
            do {
                body = try await request.decode(as: CheckoutService.Request.self, context: context)
            } catch {
                throw HTTPError(.badRequest, message: "expected JSON with plan, provider, mac, router and optional ip")
            }
            let language = Language(rawValue: request.uri.queryParameters.get("lang") ?? "vi") ?? .vi
            let address = proxies.clientAddress(request, context)
            // Bad input is refused before anything is counted against the device or the address.
            guard let mac = try? MACAddress(body.mac) else {
                throw HTTPError(.badRequest, message: "mac '\(body.mac.prefix(40))' is not a MAC address")
            }
            do {
                let started = try await throttle.whileReserved(
                    mac: mac, browser: GuestBrowser(request)?.id, address: address
                ) { try await checkout.start(body, language: language) }
                let transaction = started.transaction
                if let browser = GuestBrowser(request) {
                    try await store.addBuyerBrowser(digest: browser.digest, transactionID: transaction.id, at: Date())
                }
                context.logger.info(
                    "transaction created",
                    metadata: [
                        "order": "\(transaction.orderCode)", "plan": "\(transaction.planID)",
                        "mac": "\(transaction.mac)", "provider": "\(transaction.provider)",
                    ])
                return EditedResponse(
                    status: .created, response: TransactionView(transaction, payment: started.payment))
            } catch let wait as CheckoutThrottle.Wait {
                context.logger.notice("transaction throttled", metadata: ["mac": "\(mac)", "address": "\(address)"])
                throw HTTPError(
                    .tooManyRequests, headers: [.retryAfter: "\(wait.seconds)"],
                    message: "too many transactions from this device or address; try again in \(wait.seconds) s")
            } catch let error as CheckoutError {
                context.logger.notice("transaction refused", metadata: ["reason": "\(error)"])
                throw HTTPError(Self.status(for: error), message: error.description)
            }
        }
        router.get("/api/transactions/{id}") { request, context -> Response in
            let id = try context.parameters.require("id")
            guard let transaction = try await store.transaction(id: id) else {
                throw HTTPError(.notFound, message: "no transaction '\(id)'")
            }
            // The buyer's browser sees the whole purchase; anyone else, who may know no more than
            // the device's MAC, only where it stands.
            if let browser = GuestBrowser(request),
                try await store.isBuyerBrowser(digest: browser.digest, transactionID: transaction.id)
            {
                return try Self.json(TransactionView(transaction, receipt: true), status: .ok)
            }
            return try Self.json(TransactionState(transaction), status: .ok)
        }
        CallbackRoutes(callbacks: callbacks).register(on: router)
        CaptivePortalAPI(store: store, urls: checkout.urls, proxies: proxies, clock: checkout.clock).register(
            on: router)
        guestPages?.register(on: router)
        if let sandbox = callbacks.providers.sandbox {
            SandboxWalletRoutes(store: store, sandbox: sandbox, callbacks: callbacks).register(on: router)
        }
    }

    static func status(for error: CheckoutError) -> HTTPResponse.Status {
        switch error {
        case .invalidField: .badRequest
        case .unknownPlan, .unknownRouter: .notFound
        case .planNotOnSale, .providerNotEnabled: .unprocessableContent
        case .paymentRequestFailed: .badGateway
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        try JSONResponse.make(value, status: status)
    }
}
