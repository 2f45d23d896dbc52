import Foundation
import HotspotPayCore
import Payments
import Store

/// Asks a transaction's provider where its payment stands and settles a definite answer
/// through ``Settlement``. Shared by the sweeper (before expiring) and the poller (instead of
/// waiting for a callback).
public struct PaymentStatusCheck: Sendable {
    let providers: PaymentProviders
    let settlement: Settlement

    public init(store: any TransactionStore, providers: PaymentProviders, clock: @escaping @Sendable () -> Date) {
        self.providers = providers
        self.settlement = Settlement(store: store, clock: clock)
    }

    public enum Outcome: Sendable, Equatable {
        /// The provider says paid; `applied` when this check confirmed it (not a callback first,
        /// not refused by the store).
        case paid(applied: Bool)
        /// The provider says failed; `applied` when this check failed the transaction.
        case failed(applied: Bool)
        /// The provider says paid but the payment does not match the order (amount, provider):
        /// the money is listed for an operator and the order held (`needs_review`).
        case held(String)
        /// Nothing definite.
        case open(Settlement.OpenReason)
    }

    public func check(_ transaction: Transaction, actor: String) async throws -> Outcome {
        let verdict: Settlement.Verdict
        if let provider = providers.provider(transaction.provider) {
            do {
                switch try await provider.queryStatus(of: transaction) {
                case .paid(let reference, let amount): verdict = .paid(providerReference: reference, amount: amount)
                case .failed(let code, let message): verdict = .failed(code: code, message: message)
                case .pending(let code): verdict = .open(.pending(code: code))
                case .notFound: verdict = .open(.unknownToProvider)
                }
            } catch {
                verdict = .open(.queryFailed("\(error)"))
            }
        } else {
            verdict = .open(.providerNotEnabled)
        }
        switch try await settlement.settle(transaction, verdict, actor: actor) {
        case .paid(.applied): return .paid(applied: true)
        case .paid(.rejected(let rejection)):
            switch rejection {
            case .amountMismatch, .providerMismatch: return .held(rejection.description)
            default: return .paid(applied: false)
            }
        case .paid(.alreadyConfirmed): return .paid(applied: false)
        case .failed(let applied): return .failed(applied: applied)
        case .open(let reason): return .open(reason)
        }
    }
}
