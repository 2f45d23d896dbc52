import Foundation
import HotspotPayCore
import Logging
import Metrics
import Payments
import Store

/// Handles a provider's callback end to end: the provider verifies it and finds the order,
/// then the store applies it exactly once, and the provider words the reply. The sandbox
/// wallet's callbacks take this same path.
public struct CallbackService: Sendable {
    let store: any HotspotStore
    public let providers: PaymentProviders
    let logger: Logger
    let clock: @Sendable () -> Date
    /// Told about each unlock job a payment queued (the daemon's worker sends it at once).
    let unlocks: any UnlockDispatch
    let settlement: Settlement

    public init(
        store: any HotspotStore, providers: PaymentProviders, logger: Logger,
        clock: @escaping @Sendable () -> Date = Date.init, unlocks: any UnlockDispatch = StoredUnlocksOnly()
    ) {
        self.store = store
        self.providers = providers
        self.logger = logger
        self.clock = clock
        self.unlocks = unlocks
        self.settlement = Settlement(store: store, clock: clock)
    }

    /// The reply for `callback`; nil when no configured provider takes that endpoint.
    public func handle(_ callback: ProviderCallback) async -> CallbackReply? {
        guard let provider = providers.provider(for: callback.endpoint) else { return nil }
        let result = await process(callback, provider: provider)
        Counter(
            label: "hotspotpay_callbacks_total",
            dimensions: [("provider", callback.endpoint.rawValue), ("outcome", result.metricLabel)]
        ).increment()
        return provider.reply(to: result, endpoint: callback.endpoint)
    }

    func process(_ callback: ProviderCallback, provider: any PaymentProvider) async -> CallbackResult {
        let actor = "provider:\(callback.endpoint.rawValue)"
        let outcome: CallbackOutcome
        do {
            outcome = try await provider.verifyCallback(callback, orders: StoreOrderBook(store: store))
        } catch {
            return await rejected(error, actor: actor)
        }
        let transaction = outcome.transaction
        var metadata: Logger.Metadata = [
            "provider": "\(callback.endpoint.rawValue)", "order": "\(transaction.orderCode)",
            "reference": "\(outcome.providerReference)",
        ]
        let verdict: Settlement.Verdict
        switch outcome.status {
        case .paid: verdict = .paid(providerReference: outcome.providerReference, amount: outcome.amount)
        case .failed(let code, let message): verdict = .failed(code: code, message: message)
        case .pending(let code): verdict = .open(.pending(code: code))
        }
        let settled: Settlement.Outcome
        do {
            settled = try await settlement.settle(
                transaction, verdict, actor: actor, claimUnlock: unlocks.sendsClaimedJobs)
        } catch {
            metadata["error"] = "\(error)"
            logger.error("callback could not be applied", metadata: metadata)
            return .failed(String(describing: error))
        }
        switch settled {
        case .paid(.applied(let paid, let grant, let job, let late)):
            if let job {
                if job.status == .sent {
                    unlocks.sendNow(job, grant: grant, transaction: paid)
                } else {
                    unlocks.queued()
                }
            }
            metadata["late"] = "\(late)"
            metadata["grant"] = "\(grant.id)"
            logger.info("payment confirmed", metadata: metadata)
            return .recorded
        case .paid(.alreadyConfirmed):
            logger.info("payment already confirmed", metadata: metadata)
            return .alreadyRecorded
        case .paid(.rejected(let rejection)):
            // The store audited it; say it in the provider's words.
            metadata["reason"] = "\(rejection)"
            logger.warning("payment not applied", metadata: metadata)
            switch rejection {
            case .amountMismatch(let expected, let received):
                return .rejected(
                    .amountMismatch(orderCode: transaction.orderCode, expected: expected, received: received))
            case .unknownTransaction: return .rejected(.unknownOrder(outcome.providerOrderID))
            // Listed as money received without access (the store recorded it); the provider
            // hears that the order is settled so it stops sending.
            case .notPayable, .duplicatePayment: return .alreadyRecorded
            case .providerMismatch, .referenceReused: return .rejected(.orderMismatch(rejection.description))
            }
        case .failed(let applied):
            if applied { logger.info("payment failed", metadata: metadata) }
            // A late failure for an order settled already changes nothing.
            return applied ? .recorded : .alreadyRecorded
        case .open(let reason):
            metadata["reason"] = "\(reason)"
            logger.info("payment still pending", metadata: metadata)
            return .recorded
        }
    }

    /// Logs a refused callback and, when it names an order or smells of forgery, audits it.
    private func rejected(_ rejection: CallbackRejection, actor: String) async -> CallbackResult {
        let metadata: Logger.Metadata = ["actor": "\(actor)", "reason": "\(rejection)"]
        switch rejection {
        case .ignored:
            logger.info("callback ignored", metadata: metadata)
            return .rejected(rejection)
        case .unavailable:
            logger.error("callback could not be checked", metadata: metadata)
            return .rejected(rejection)
        default:
            logger.warning("callback rejected", metadata: metadata)
        }
        do {
            var transactionID: String?
            if case .amountMismatch(let code, _, _) = rejection {
                transactionID = try await store.transaction(orderCode: code)?.id
            }
            try await store.append(
                AuditEvent(
                    at: clock(), kind: .callbackRejected, actor: actor, transactionID: transactionID,
                    detail: rejection.description))
        } catch {
            logger.error("audit failed", metadata: ["error": "\(error)"])
        }
        return .rejected(rejection)
    }
}
