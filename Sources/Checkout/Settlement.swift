import Foundation
import HotspotPayCore
import Store

/// Applies what a provider says about an order the same way whoever heard it: a callback, the
/// poller, the sweeper or an operator's re-check. Paid → the store's exactly-once confirmation
/// (grant, unlock job, audit, or money received without access); failed → the order fails, a
/// transition conflict meaning it was settled already; anything else → a typed reason why it is
/// still open.
public struct Settlement: Sendable {
    let store: any TransactionStore
    let clock: @Sendable () -> Date

    public init(store: any TransactionStore, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.clock = clock
    }

    /// What the provider said.
    public enum Verdict: Sendable, Hashable {
        case paid(providerReference: String, amount: Money)
        case failed(code: String, message: String)
        case open(OpenReason)
    }

    /// Why an order is neither paid nor failed yet.
    public enum OpenReason: Sendable, Hashable, CustomStringConvertible {
        /// The provider is still waiting for the guest (its own code).
        case pending(code: String)
        /// The provider has never seen the order (the guest never opened the pay page).
        case unknownToProvider
        /// The provider could not be asked (timeout, error): its answer may still be "paid".
        case queryFailed(String)
        /// The order's provider is not configured any more.
        case providerNotEnabled

        public var description: String {
            switch self {
            case .pending(let code): "provider says pending (\(code))"
            case .unknownToProvider: "provider has no such order"
            case .queryFailed(let error): "provider query failed (\(error))"
            case .providerNotEnabled: "provider not enabled"
            }
        }

        /// Whether the provider may yet report it paid without having told us so.
        public var mayStillBePaid: Bool {
            switch self {
            case .queryFailed, .providerNotEnabled: true
            case .pending, .unknownToProvider: false
            }
        }
    }

    /// What applying a verdict did.
    public enum Outcome: Sendable, Hashable {
        /// The store's answer to the payment: applied, already confirmed, or refused (and then
        /// recorded as money received without access where money arrived).
        case paid(PaymentApplication)
        /// `applied` false: the order had been settled already (paid, failed, expired…).
        case failed(applied: Bool)
        case open(OpenReason)
    }

    public func settle(
        _ transaction: Transaction, _ verdict: Verdict, actor: String, claimUnlock: Bool = false
    ) async throws -> Outcome {
        switch verdict {
        case .paid(let reference, let amount):
            var confirmation = PaymentConfirmation(
                transactionID: transaction.id, provider: transaction.provider, providerReference: reference,
                amount: amount, at: clock(), actor: actor)
            confirmation.claimUnlock = claimUnlock
            return .paid(try await store.confirmPayment(confirmation))
        case .failed(let code, let message):
            do {
                _ = try await store.apply(
                    .failPayment, toTransaction: transaction.id, at: clock(), actor: actor,
                    detail: "provider says failed (\(code)): \(message)")
                return .failed(applied: true)
            } catch {
                // Paid by an earlier success, failed before, or expired: a failure changes nothing.
                guard case .transition = error else { throw error }
                return .failed(applied: false)
            }
        case .open(let reason):
            return .open(reason)
        }
    }
}
