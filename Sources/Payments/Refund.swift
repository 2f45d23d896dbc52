import HotspotPayCore

/// An operator's request to give money back for a paid transaction.
public struct RefundRequest: Sendable, Hashable {
    public var transaction: Transaction
    /// At most the transaction's amount; less for a partial refund.
    public var amount: Money
    public var reason: String
    /// Who asked, for the provider's records (VNPay `vnp_CreateBy`).
    public var requestedBy: String
    /// Our id for this refund, unique per refund (MoMo wants a new orderId).
    public var refundID: String

    public init(transaction: Transaction, amount: Money, reason: String, requestedBy: String, refundID: String) {
        self.transaction = transaction
        self.amount = amount
        self.reason = reason
        self.requestedBy = requestedBy
        self.refundID = refundID
    }

    public var isPartial: Bool { amount < transaction.amount }
}

/// The provider accepted a refund.
public struct RefundReceipt: Sendable, Hashable {
    /// The provider's id for the refund.
    public var providerReference: String
    public var amount: Money

    public init(providerReference: String, amount: Money) {
        self.providerReference = providerReference
        self.amount = amount
    }
}
