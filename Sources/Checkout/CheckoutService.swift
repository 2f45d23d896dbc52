import Foundation
import HotspotPayCore
import Payments
import Store

/// Starts purchases: checks what the portal sent against the catalogue, stores a pending
/// transaction and asks its provider for a payment request. Used by the guest pages and the JSON
/// API, so the rules exist once.
public struct CheckoutService: Sendable {
    let store: any HotspotStore
    public let providers: PaymentProviders
    public let urls: PortalURLs
    let paymentWindowSeconds: Int64
    public let clock: @Sendable () -> Date

    public init(
        store: any HotspotStore, providers: PaymentProviders, urls: PortalURLs, paymentWindowSeconds: Int64,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.providers = providers
        self.urls = urls
        self.paymentWindowSeconds = paymentWindowSeconds
        self.clock = clock
    }

    /// A started purchase: the stored transaction and what the guest pays with.
    public struct Checkout: Sendable {
        public var transaction: Transaction
        public var payment: PaymentRequest
    }

    /// What the portal asks for.
    public struct Request: Sendable, Codable {
        public var plan: String
        public var provider: String
        public var mac: String
        public var ip: String?
        public var router: String

        public init(plan: String, provider: String, mac: String, ip: String?, router: String) {
            self.plan = plan
            self.provider = provider
            self.mac = mac
            self.ip = ip
            self.router = router
        }
    }

    /// The providers a guest at `router` may pay with: all enabled ones, but the sandbox only where
    /// its fake payments cannot reach a real guest.
    public func providers(at router: IPAddress?) -> [any PaymentProvider] {
        providers.all.filter { provider in
            guard let sandbox = provider as? SandboxProvider else { return true }
            guard let router else { return sandbox.unsafeFakePayments }
            return sandbox.isOffered(publicURL: urls.publicURL, routerAddress: router)
        }
    }

    /// Stores the pending transaction and asks the provider for its payment request. When the
    /// provider refuses, the transaction is cancelled; when it does not answer, the transaction
    /// stays pending so the sweeper can ask the provider about it before expiring it.
    public func start(_ request: Request, language: Language = .vi, actor: String = "portal") async throws
        -> Checkout
    {
        let (transaction, plan) = try await createTransaction(request, actor: actor)
        guard let provider = providers.provider(transaction.provider) else {
            throw CheckoutError.providerNotEnabled(transaction.provider)
        }
        let context = PaymentContext(
            returnURL: urls.transactionPage(transaction.id), callbackBaseURL: urls.callbackBase, language: language,
            clientIP: transaction.clientIP)
        do {
            let payment = try await provider.createPayment(for: transaction, plan: plan, context: context)
            // Kept so a reopened portal shows the same QR; losing it must not lose the sale.
            try? await store.savePaymentRequest(payment, transactionID: transaction.id)
            return Checkout(transaction: transaction, payment: payment)
        } catch {
            let definitive: Bool
            switch error {
            case .timeout, .transport, .httpStatus, .inProgress: definitive = false
            case .refused, .badResponse, .unsupported, .invalidRequest: definitive = true
            }
            if definitive {
                _ = try? await store.apply(
                    .cancel, toTransaction: transaction.id, at: clock(), actor: "system",
                    detail: "the provider did not create the payment: \(error)")
            }
            throw CheckoutError.paymentRequestFailed(error, orderKept: !definitive)
        }
    }

    /// Checks the request and stores a pending transaction.
    func createTransaction(_ request: Request, actor: String) async throws -> (Transaction, Plan) {
        let mac: MACAddress
        do { mac = try MACAddress(request.mac) } catch {
            throw CheckoutError.invalidField(name: "mac", problem: error.description)
        }
        if mac.isMulticast {
            throw CheckoutError.invalidField(name: "mac", problem: "\(mac) is a group address, not a device")
        }
        var ip: IPAddress?
        if let text = request.ip, !text.isEmpty {
            do { ip = try IPAddress(text) } catch {
                throw CheckoutError.invalidField(name: "ip", problem: error.description)
            }
        }
        let provider = ProviderID(rawValue: request.provider)
        guard providers.provider(provider) != nil else { throw CheckoutError.providerNotEnabled(provider) }
        guard let plan = try await store.plan(id: request.plan) else {
            throw CheckoutError.unknownPlan(id: request.plan)
        }
        guard plan.isActive else { throw CheckoutError.planNotOnSale(id: plan.id) }
        if let sandbox = providers.provider(provider) as? SandboxProvider {
            // Fake payments only where no real guest can reach them (routers may be added at run time).
            guard let router = try await store.router(id: request.router) else {
                throw CheckoutError.unknownRouter(id: request.router)
            }
            guard sandbox.isOffered(publicURL: urls.publicURL, routerAddress: router.address) else {
                throw CheckoutError.providerNotEnabled(provider)
            }
        } else {
            guard try await store.routerExists(id: request.router) else {
                throw CheckoutError.unknownRouter(id: request.router)
            }
        }

        var generator = SystemRandomNumberGenerator()
        // A new order code on the rare collision; the unique index is the arbiter.
        for _ in 0..<5 {
            let transaction = Transaction.pending(
                plan: plan, mac: mac, clientIP: ip, routerID: request.router, provider: provider, now: clock(),
                paymentWindowSeconds: paymentWindowSeconds, using: &generator)
            do {
                try await store.insertTransaction(transaction, actor: actor)
                return (transaction, plan)
            } catch {
                // `error` is a StoreError here (typed throws); a pattern catch of it crashes
                // Swift 6.3's SILGen, so the case is tested inside.
                guard case .duplicate(_, "order_code", _) = error else { throw error }
                continue
            }
        }
        throw StoreError.duplicate(entity: "transaction", field: "order_code", value: "five random codes in a row")
    }
}
