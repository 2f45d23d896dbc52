/// Where a purchase stands. See DESIGN.md "States":
/// `pending → paid → refunded`; `pending → failed | expired | cancelled`;
/// `expired → paid` only through a verified late success (the money arrived, the service is owed).
public enum TransactionStatus: String, LifecycleState, Codable {
    case pending
    case paid
    case failed
    case expired
    case cancelled
    case refunded

    /// What can happen to a transaction.
    public enum Event: String, CaseIterable, Sendable, Hashable {
        /// A provider's verified success (callback or query).
        case confirmPayment
        /// A provider's verified final failure.
        case failPayment
        /// The payment window passed and the provider says it was not paid.
        case expire
        /// The guest gave up on the portal.
        case cancel
        /// The operator refunded it through the provider.
        case refund
    }

    public static let entityName = "transaction"

    public static func rule(for event: Event) -> (from: Set<TransactionStatus>, to: TransactionStatus) {
        switch event {
        case .confirmPayment: ([.pending, .expired], .paid)
        case .failPayment: ([.pending], .failed)
        case .expire: ([.pending], .expired)
        case .cancel: ([.pending], .cancelled)
        case .refund: ([.paid], .refunded)
        }
    }

    /// No further event can change it (except a late payment of an expired one).
    public var isFinal: Bool { self != .pending }
}
