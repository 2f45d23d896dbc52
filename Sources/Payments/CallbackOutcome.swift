import HotspotPayCore

/// A verified callback: which of our transactions it is about and what the provider says.
public struct CallbackOutcome: Sendable, Hashable {
    /// What the provider reports about the payment.
    public enum Status: Sendable, Hashable {
        case paid
        /// Final failure (cancelled, declined, insufficient funds…), with the provider's code.
        case failed(code: String, message: String)
        /// Not final yet (MoMo 1000/7000, VNPay status 01).
        case pending(code: String)
    }

    public var transaction: Transaction
    public var status: Status
    /// The provider's id for the payment (MoMo transId, vnp_TransactionNo, bank reference…).
    public var providerReference: String
    /// What the provider says was paid.
    public var amount: Money
    /// The order id as the provider sent it.
    public var providerOrderID: String

    public init(
        transaction: Transaction, status: Status, providerReference: String, amount: Money, providerOrderID: String
    ) {
        self.transaction = transaction
        self.status = status
        self.providerReference = providerReference
        self.amount = amount
        self.providerOrderID = providerOrderID
    }
}
