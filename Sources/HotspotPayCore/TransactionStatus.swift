/// Where a purchase stands (docs/ARCHITECTURE.md, "States"):
/// `pending → paid → refunded`; `pending → failed | expired | cancelled`;
/// `expired → paid` only through a verified late success (the money arrived, the service is owed);
/// `pending → needs_review` when the provider says paid but the payment cannot be applied (another
/// amount, another provider's reference): an operator decides, and the sweeper leaves it alone.
public enum TransactionStatus: String, LifecycleState, Codable {
    case pending
    case paid
    case failed
    case expired
    case cancelled
    case refunded
    case needsReview = "needs_review"

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
        /// The provider says paid but the payment cannot be applied as it stands.
        case holdForReview
        /// An operator applies money that was received but not applied (a success for a failed
        /// or cancelled order, or one held for review): the order becomes paid as if confirmed.
        case acceptReviewed
    }

    public static let entityName = "transaction"

    public static func rule(for event: Event) -> (from: Set<TransactionStatus>, to: TransactionStatus) {
        switch event {
        // A verified success with the right amount is owed its service even after a review hold.
        case .confirmPayment: ([.pending, .expired, .needsReview], .paid)
        case .failPayment: ([.pending], .failed)
        case .expire: ([.pending], .expired)
        case .cancel: ([.pending], .cancelled)
        case .refund: ([.paid], .refunded)
        case .holdForReview: ([.pending], .needsReview)
        case .acceptReviewed: ([.failed, .cancelled, .expired, .needsReview], .paid)
        }
    }

    /// No further event can change it (except a late payment of an expired one).
    public var isFinal: Bool { self != .pending }
}
