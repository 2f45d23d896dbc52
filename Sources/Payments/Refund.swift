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

/// What a provider says about a refund sent earlier.
public enum RefundStatusReport: Sendable, Hashable {
    /// It was done; the provider's id for it.
    case succeeded(providerReference: String)
    /// It was refused or failed at the provider: the money was not given back.
    case failed(code: String, message: String)
    /// Still being processed.
    case pending(code: String)
    /// The provider has no refund with that id: it never arrived.
    case notFound
}
