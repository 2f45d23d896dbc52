extension AuditKind {
    /// What the audit log calls a transaction's state change.
    public init(transactionEvent event: TransactionStatus.Event) {
        self =
            switch event {
            case .confirmPayment: .paymentConfirmed
            case .failPayment: .paymentFailed
            case .expire: .transactionExpired
            case .cancel: .transactionCancelled
            case .refund: .transactionRefunded
            case .holdForReview: .transactionHeldForReview
            case .acceptReviewed: .paymentConfirmed
            }
    }
}
