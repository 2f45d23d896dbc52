import Foundation
import HotspotPayCore
import Store

/// Starts purchases: checks what the portal sent against the catalogue and stores a pending
/// transaction. Shared by the HTTP API and the CLI so the rules exist once.
public struct CheckoutService: Sendable {
    let store: any HotspotStore
    let enabledProviders: [ProviderID]
    let paymentWindowSeconds: Int64
    let clock: @Sendable () -> Date

    public init(
        store: any HotspotStore, enabledProviders: [ProviderID], paymentWindowSeconds: Int64,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.enabledProviders = enabledProviders
        self.paymentWindowSeconds = paymentWindowSeconds
        self.clock = clock
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

    public func start(_ request: Request, actor: String = "portal") async throws -> Transaction {
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
        guard enabledProviders.contains(provider) else { throw CheckoutError.providerNotEnabled(provider) }
        guard let plan = try await store.plan(id: request.plan) else {
            throw CheckoutError.unknownPlan(id: request.plan)
        }
        guard plan.isActive else { throw CheckoutError.planNotOnSale(id: plan.id) }
        guard try await store.routerExists(id: request.router) else {
            throw CheckoutError.unknownRouter(id: request.router)
        }

        var generator = SystemRandomNumberGenerator()
        // A new order code on the rare collision; the unique index is the arbiter.
        for _ in 0..<5 {
            let transaction = Transaction.pending(
                plan: plan, mac: mac, clientIP: ip, routerID: request.router, provider: provider, now: clock(),
                paymentWindowSeconds: paymentWindowSeconds, using: &generator)
            do {
                try await store.insertTransaction(transaction, actor: actor)
                return transaction
            } catch StoreError.duplicate(_, let field, _) where field == "order_code" {
                continue
            }
        }
        throw StoreError.duplicate(entity: "transaction", field: "order_code", value: "five random codes in a row")
    }
}
