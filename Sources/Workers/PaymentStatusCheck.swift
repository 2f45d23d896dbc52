import Foundation
import HotspotPayCore
import Payments
import Store

/// Asks a transaction's provider where its payment stands and applies a definite answer: paid
/// → the same exactly-once confirmation a callback gets; failed → the transaction fails.
/// Shared by the sweeper (before expiring) and the poller (instead of waiting for a callback).
struct PaymentStatusCheck: Sendable {
    let store: any TransactionStore
    let providers: PaymentProviders
    let clock: @Sendable () -> Date

    enum Outcome: Sendable, Equatable {
        /// The provider says paid; `applied` when this check confirmed it (not a callback first,
        /// not refused by the store, e.g. for a wrong amount, which the store audits).
        case paid(applied: Bool)
        /// The provider says failed; `applied` when this check failed the transaction.
        case failed(applied: Bool)
        /// The provider says paid but the payment does not match the order (amount, provider):
        /// the money is listed for an operator and the order held (`needs_review`).
        case held(String)
        /// Nothing definite: still pending, unknown to the provider, or the query failed.
        case open(String)
    }

    func check(_ transaction: Transaction, actor: String) async throws -> Outcome {
        guard let provider = providers.provider(transaction.provider) else { return .open("provider not enabled") }
        let report: PaymentStatusReport
        do { report = try await provider.queryStatus(of: transaction) } catch {
            return .open("provider query failed (\(error))")
        }
        switch report {
        case .paid(let reference, let amount):
            let outcome = try await store.confirmPayment(
                PaymentConfirmation(
                    transactionID: transaction.id, provider: transaction.provider, providerReference: reference,
                    amount: amount, at: clock(), actor: actor))
            switch outcome {
            case .applied: return .paid(applied: true)
            case .rejected(let rejection):
                switch rejection {
                case .amountMismatch, .providerMismatch: return .held(rejection.description)
                default: return .paid(applied: false)
                }
            case .alreadyConfirmed: return .paid(applied: false)
            }
        case .failed(let code, let message):
            do {
                _ = try await store.apply(
                    .failPayment, toTransaction: transaction.id, at: clock(), actor: actor,
                    detail: "provider says failed (\(code)): \(message)")
                return .failed(applied: true)
            } catch StoreError.transition {
                return .failed(applied: false)  // a callback or another node settled it first
            }
        case .pending(let code): return .open("provider says pending (\(code))")
        case .notFound: return .open("provider has no such order")
        }
    }
}
