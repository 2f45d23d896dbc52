import Checkout
import Foundation
import HotspotPayCore
import Payments
import Store

/// The counter: sell a plan for cash to a device (by the code its portal page shows, or its MAC),
/// and for a sale that is stuck, ask the provider now (its answer applied through the same
/// ``Settlement`` as a callback) or send the device's unlock again (a fresh unlock job). All
/// audited with the operator's name.
public struct SaleDesk: Sendable {
    public typealias Stores = TransactionStore & GrantStore & SessionStore & UnlockJobStore & RouterStore & AuditLog
        & PlanStore
    let store: any Stores
    let providers: PaymentProviders
    let unlocks: any UnlockDispatch
    /// Devices the portal showed its plans to lately (nil: this process serves no portal, e.g. the CLI).
    let seenDevices: SeenDevices?
    let clock: @Sendable () -> Date

    public init(
        store: any Stores, providers: PaymentProviders, unlocks: any UnlockDispatch = StoredUnlocksOnly(),
        seenDevices: SeenDevices? = nil, clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.providers = providers
        self.unlocks = unlocks
        self.seenDevices = seenDevices
        self.clock = clock
    }

    /// The provider's answer and what it did to the sale, in a sentence for the operator.
    public struct Recheck: Sendable, Equatable {
        public var outcome: PaymentStatusCheck.Outcome
        public var transaction: Transaction
        public var summary: String
    }

    /// Asks the sale's provider where its payment stands and applies a definite answer exactly
    /// as a callback would: a late "paid" starts the grant and queues the unlock.
    public func recheck(transactionID: String, actor: String) async throws(ConsoleError) -> Recheck {
        let transaction = try await sale(transactionID)
        guard transaction.status != .refunded else {
            throw .conflict("sale \(transaction.orderCode) was refunded: there is nothing to ask the provider")
        }
        let check = PaymentStatusCheck(store: store, providers: providers, clock: clock)
        let outcome = try await ConsoleError.wrap { try await check.check(transaction, actor: actor) }
        let summary: String
        switch outcome {
        case .paid(applied: true):
            summary = "the provider says paid: the payment is now applied and the device unlocked"
        case .paid(applied: false): summary = "the provider says paid; it was already applied"
        case .failed(applied: true): summary = "the provider says the payment failed: the sale is now failed"
        case .failed(applied: false): summary = "the provider says the payment failed; nothing to change"
        case .held(let why):
            summary = "the provider says paid but it does not match the order (\(why)): held for review"
        case .open(let reason): summary = "no definite answer: \(reason)"
        }
        if case .paid(applied: true) = outcome { unlocks.queued() }
        let now = clock()
        try await ConsoleError.wrap {
            try await store.append(
                AuditEvent(
                    at: now, kind: .paymentRechecked, actor: actor, transactionID: transaction.id,
                    detail: "asked \(transaction.provider) now: \(summary)"))
        }
        let current = try await sale(transactionID)
        return Recheck(outcome: outcome, transaction: current, summary: summary)
    }

    /// Queues a fresh unlock job for a paid sale's device: a CoA to its live session on a `coa`
    /// router, a REST login on a `login` router with the API. Returns the job.
    public func resendUnlock(transactionID: String, actor: String) async throws(ConsoleError) -> UnlockJob {
        let transaction = try await sale(transactionID)
        guard transaction.status == .paid else {
            throw .conflict(
                "sale \(transaction.orderCode) is \(transaction.status.rawValue), not paid: nothing to unlock")
        }
        let now = clock()
        let grant = try await ConsoleError.wrap { try await store.activeGrant(mac: transaction.mac) }
        guard let grant, !grant.isExhausted(at: now) else {
            throw .conflict("\(transaction.mac) has no access left to unlock (ended, revoked or used up)")
        }
        guard let router = try await ConsoleError.wrap({ try await store.router(id: transaction.routerID) }) else {
            throw .conflict("router \(transaction.routerID) is no longer configured")
        }
        let sessions = try await ConsoleError.wrap { try await store.openSessions(mac: transaction.mac) }
        let online = sessions.contains { $0.routerID == router.id }
        let action: UnlockAction
        switch router.strategy {
        case .coa:
            guard online else {
                throw .conflict(
                    "router \(router.id) reports no session for \(transaction.mac): ask the guest to turn WiFi off "
                        + "and on; the router then asks again and gets the paid answer")
            }
            action = .coa
        case .login:
            guard router.api != nil else {
                throw .conflict(
                    online
                        ? "\(transaction.mac) is online on \(router.id) already"
                        : "router \(router.id) has no REST API for the daemon to log the device in: ask the guest to "
                            + "open any web page (the portal logs it in), or give the router its API")
            }
            action = .login
        }
        var generator = SystemRandomNumberGenerator()
        let job = UnlockJob(
            id: EntityID.random(using: &generator), transactionID: transaction.id, grantID: grant.id,
            routerID: router.id, mac: transaction.mac, action: action, nextAttemptAt: now, createdAt: now,
            updatedAt: now)
        try await ConsoleError.wrap {
            try await store.enqueueUnlockJob(job)
            try await store.append(
                AuditEvent(
                    at: now, kind: .unlockResent, actor: actor, transactionID: transaction.id,
                    detail: "\(action == .coa ? "CoA" : "REST login") for \(transaction.mac) at \(router.id) sent again"
                ))
        }
        unlocks.queued()
        return job
    }

    /// Sells `planID` to the device for cash taken at the counter: a `cash` sale at the plan's
    /// price in the cashier's name, applied through the same exactly-once path as a payment (one
    /// grant or an extension, the unlock queued, the audit lines). `device` is the code the
    /// device's portal page shows or its MAC; `routerID` may be left out when the venue has one
    /// router or the device was seen on one.
    /// A device the venue has never seen (no portal visit this node remembers, no session, no
    /// purchase) is refused unless `confirmUnseen`: most likely the code or MAC was mistyped.
    public func sellForCash(
        planID: String, device: String, routerID: String?, confirmUnseen: Bool = false, actor: String
    ) async throws(ConsoleError) -> Transaction {
        try await sell(
            planID: planID, device: device, routerID: routerID, payment: .cash, confirmUnseen: confirmUnseen,
            actor: actor
        ).sale
    }

    /// How a sale made by an operator or another system was paid.
    public enum CounterPayment: Sendable, Hashable {
        /// Cash taken at the counter.
        case cash
        /// Paid in another system (a hotel's check-in, a package): its reference makes the call
        /// idempotent per device — the same reference for the same device returns the first sale;
        /// one booking can cover several devices. Stored as `reference@MAC`.
        case external(reference: String)
    }

    /// ``sellForCash(planID:device:routerID:actor:)`` for any ``CounterPayment``; `created` is
    /// false when an external reference was sold before (nothing new was made).
    public func sell(
        planID: String, device: String, routerID: String?, payment: CounterPayment, confirmUnseen: Bool = false,
        actor: String
    ) async throws(ConsoleError) -> (sale: Transaction, created: Bool) {
        var problems: [ValidationProblem] = []
        var externalReference: String?
        if case .external(let reference) = payment {
            let trimmed = reference.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.utf8.count > 100 {
                problems.append(.init(field: "reference", message: "the other system's reference, 1 to 100 characters"))
            }
            externalReference = trimmed
        }
        var mac: MACAddress?
        if let parsed = try? MACAddress(device) {
            mac = parsed
        } else {
            do throws(DeviceCode.ParseError) { mac = try DeviceCode(device).mac } catch {
                problems.append(
                    .init(field: "device", message: "the code the device's portal page shows, or its MAC: \(error)"))
            }
        }
        let plan = try await ConsoleError.wrap { try await store.plan(id: planID) }
        if plan == nil || plan?.isActive == false {
            problems.append(.init(field: "plan", message: "no plan '\(planID)' on sale"))
        }
        guard problems.isEmpty, let mac, let plan else { throw .invalid(problems) }
        if payment == .cash, !confirmUnseen, try await !hasBeenSeen(mac) {
            throw .invalid([
                .init(
                    field: "device",
                    message:
                        "this venue has not seen device \(DeviceCode(mac: mac)) (\(mac)): no portal visit in the last "
                        + "24 hours, no session, no purchase. Check the code on the guest's screen, or confirm the "
                        + "sale to sell to it anyway (confirm_unseen)")
            ])
        }
        let provider: ProviderID = externalReference == nil ? .cash : .external
        // One booking may pay for several devices: the stored reference names the device too.
        let storedReference = externalReference.map { "\($0)@\(mac)" }
        if let storedReference {
            // Sold before under this reference (a retried call): that sale, not a second one.
            let earlier = try await ConsoleError.wrap {
                try await store.transactions(matching: TransactionFilter(provider: .external, mac: mac, limit: 500))
            }
            if let sale = earlier.first(where: { $0.providerReference == storedReference }) { return (sale, false) }
        }
        let router = try await counterRouter(routerID, mac: mac)
        let now = clock()
        var generator = SystemRandomNumberGenerator()
        let transaction = Transaction.pending(
            plan: plan, mac: mac, clientIP: nil, routerID: router, provider: provider, now: now,
            paymentWindowSeconds: 60, using: &generator)
        let applied = try await ConsoleError.wrap {
            try await store.insertTransaction(transaction, actor: actor)
            return try await store.confirmPayment(
                PaymentConfirmation(
                    transactionID: transaction.id, provider: provider,
                    providerReference: storedReference ?? "CASH-\(transaction.orderCode)", amount: plan.price,
                    at: now, actor: actor))
        }
        guard case .applied(let paid, _, let job, _) = applied else {
            throw .conflict("the sale could not be applied: \(applied)")
        }
        if job != nil { unlocks.queued() }
        return (paid, true)
    }

    /// The router a counter sale is for: the one named, else the device's latest, else the only one.
    /// Whether the venue knows the device: its portal visit (this node's memory), a session, a purchase.
    private func hasBeenSeen(_ mac: MACAddress) async throws(ConsoleError) -> Bool {
        if seenDevices?.contains(mac, now: clock()) == true { return true }
        if try await !ConsoleError.wrap({ try await store.openSessions(mac: mac) }).isEmpty { return true }
        return try await ConsoleError.wrap { try await store.latestTransaction(mac: mac) } != nil
    }

    private func counterRouter(_ given: String?, mac: MACAddress) async throws(ConsoleError) -> String {
        if let given = given?.trimmingCharacters(in: .whitespaces), !given.isEmpty {
            guard try await ConsoleError.wrap({ try await store.routerExists(id: given) }) else {
                throw .invalid([.init(field: "router", message: "no router '\(given)'")])
            }
            return given
        }
        let sessions = try await ConsoleError.wrap { try await store.openSessions(mac: mac) }
        if let session = sessions.max(by: { $0.updatedAt < $1.updatedAt }) { return session.routerID }
        if let latest = try await ConsoleError.wrap({ try await store.latestTransaction(mac: mac) }) {
            return latest.routerID
        }
        let routers = try await ConsoleError.wrap { try await store.routers() }
        guard routers.count == 1 else {
            throw .invalid([
                .init(
                    field: "router",
                    message: "which router is the device on? (\(routers.map(\.id).joined(separator: ", ")))")
            ])
        }
        return routers[0].id
    }

    private func sale(_ id: String) async throws(ConsoleError) -> Transaction {
        guard let transaction = try await ConsoleError.wrap({ try await store.transaction(reference: id) }) else {
            throw .notFound(entity: "sale", id: id)
        }
        return transaction
    }
}
