import Checkout
import Foundation
import HotspotPayCore
import Logging
import Metrics
import Payments
import ServiceLifecycle
import Store

/// The periodic clean-up (docs/ARCHITECTURE.md, flow step 6): pending transactions past their window are first
/// checked with the provider's query API (a paid order whose callback was lost is confirmed, not
/// expired), then expired or failed; grants past their end are ended and the sessions still
/// using them disconnected through the unlock queue. Every change is a conditional update, so
/// sweeping twice, or on two nodes at once, changes nothing the second time.
public final class Sweeper: Service, Sendable {
    public struct Settings: Sendable {
        public var intervalSeconds: Double = 60
        /// Rows handled per query; a sweep repeats until a batch comes back short.
        public var batch = 200
        public init(intervalSeconds: Double = 60) { self.intervalSeconds = intervalSeconds }
    }

    /// What one sweep did.
    public struct Report: Sendable, Hashable, CustomStringConvertible {
        public var paidOnQuery = 0
        public var expired = 0
        public var failed = 0
        public var grantsEnded = 0
        public var disconnectsQueued = 0
        /// The provider said paid but the payment did not match: held for an operator.
        public var heldForReview = 0
        public init() {}
        public var description: String {
            "\(paidOnQuery) paid on query, \(expired) expired, \(failed) failed, \(heldForReview) held for review, "
                + "\(grantsEnded) grants ended, \(disconnectsQueued) disconnects queued"
        }
    }

    public typealias Store = TransactionStore & GrantStore & SessionStore & UnlockJobStore

    let store: any Store
    let providers: PaymentProviders
    let settings: Settings
    let logger: Logger
    let clock: @Sendable () -> Date
    /// Called when the sweep queued work for the unlock worker (a payment found by query, a Disconnect).
    let unlocks: any UnlockDispatch
    private let statusCheck: PaymentStatusCheck

    public init(
        store: any Store, providers: PaymentProviders, settings: Settings = Settings(), logger: Logger,
        clock: @escaping @Sendable () -> Date = Date.init, unlocks: any UnlockDispatch = StoredUnlocksOnly()
    ) {
        self.store = store
        self.providers = providers
        self.settings = settings
        self.logger = logger
        self.clock = clock
        self.unlocks = unlocks
        statusCheck = PaymentStatusCheck(store: store, providers: providers, clock: clock)
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let report = try await sweep()
                if report != Report() { logger.info("swept", metadata: ["report": "\(report)"]) }
                Counter(label: "hotspotpay_sweeper_runs_total", dimensions: [("result", "ok")]).increment()
                for (name, count) in [
                    ("expired", report.expired), ("paid_on_query", report.paidOnQuery),
                    ("held_for_review", report.heldForReview),
                    ("grants_ended", report.grantsEnded),
                    ("disconnects_queued", report.disconnectsQueued),
                ] where count > 0 {
                    Counter(label: "hotspotpay_sweeper_changes_total", dimensions: [("change", name)]).increment(
                        by: count)
                }
            } catch {
                Counter(label: "hotspotpay_sweeper_runs_total", dimensions: [("result", "failed")]).increment()
                logger.error("sweep failed; trying again next interval", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(self.settings.intervalSeconds)) }
        }
    }

    /// One full sweep.
    public func sweep() async throws -> Report {
        var report = Report()
        while true {
            let due = try await store.pendingTransactions(expiredAt: clock(), limit: settings.batch)
            var settled = 0
            for transaction in due where try await settle(transaction, &report) { settled += 1 }
            if due.count < settings.batch { break }
            // A full batch of which nothing moved would come back unchanged: rows the provider
            // calls paid but the store refuses (audited as payment.rejected) stay for an operator.
            if settled == 0 {
                logger.warning(
                    "pending transactions the provider calls paid but the store refuses; an operator must look",
                    metadata: ["count": "\(due.count)"])
                break
            }
        }
        while true {
            let ended = try await store.grantsPastEnd(at: clock(), limit: settings.batch)
            for grant in ended { try await end(grant, &report) }
            if ended.count < settings.batch { break }
        }
        if report.paidOnQuery + report.disconnectsQueued > 0 { unlocks.queued() }
        return report
    }

    /// False when the transaction is left as it was (another node settled it, or the store
    /// refused the provider's "paid").
    private func settle(_ transaction: Transaction, _ report: inout Report) async throws -> Bool {
        switch try await statusCheck.check(transaction, actor: "sweeper") {
        case .paid(let applied):
            // A refusal (wrong amount) is audited by the store; the guest stays pending until an
            // operator looks, rather than being expired over a paid order.
            if applied { report.paidOnQuery += 1 }
            return applied
        case .failed(let applied):
            if applied { report.failed += 1 }
            return applied
        case .held:
            report.heldForReview += 1
            return true
        case .open(let reason):
            let note =
                "payment window closed; \(reason)"
                + (reason.mayStillBePaid ? ", a later success is still honoured" : "")
            let expired = try await apply(.expire, transaction, note)
            if expired { report.expired += 1 }
            return expired
        }
    }

    /// False when another sweeper or a callback changed the transaction first.
    private func apply(_ event: TransactionStatus.Event, _ transaction: Transaction, _ detail: String) async throws
        -> Bool
    {
        do {
            _ = try await store.apply(
                event, toTransaction: transaction.id, at: clock(), actor: "sweeper", detail: detail)
            return true
        } catch {
            guard case .transition = error else { throw error }
            return false
        }
    }

    private func end(_ grant: Grant, _ report: inout Report) async throws {
        let now = clock()
        do {
            _ = try await store.apply(.end, toGrant: grant.id, at: now, actor: "sweeper", detail: "time is up")
        } catch StoreError.transition {
            return  // extended by a purchase, or ended by another node, since we read it
        }
        report.grantsEnded += 1
        var generator = SystemRandomNumberGenerator()
        for session in try await store.openSessions(mac: grant.mac) {
            try await store.enqueueUnlockJob(
                UnlockJob(
                    id: EntityID.random(using: &generator), transactionID: grant.transactionIDs.last, grantID: grant.id,
                    routerID: session.routerID, mac: grant.mac, action: .disconnect, nextAttemptAt: now, createdAt: now,
                    updatedAt: now))
            report.disconnectsQueued += 1
        }
    }
}
