import HotspotPayCore

/// One payment provider's whole wire format: asking for a payment, judging its callbacks,
/// answering them as it expects, asking it about an order, and refunding. MoMo, VNPay, VietQR
/// and the sandbox each implement it; the checkout never sees their formats.
public protocol PaymentProvider: Sendable {
    var id: ProviderID { get }
    /// The `/callbacks/<name>` routes whose requests this provider judges.
    var callbackEndpoints: [CallbackEndpoint] { get }

    /// Asks the provider for a payment request for a pending transaction.
    func createPayment(for transaction: Transaction, plan: Plan, context: PaymentContext) async throws(ProviderError)
        -> PaymentRequest

    /// Verifies a callback and finds the order it is about. Nothing here writes anything.
    func verifyCallback(_ callback: ProviderCallback, orders: any OrderBook) async throws(CallbackRejection)
        -> CallbackOutcome

    /// The exact reply the provider expects after `result`.
    func reply(to result: CallbackResult, endpoint: CallbackEndpoint) -> CallbackReply

    /// Asks the provider whether the order was paid.
    func queryStatus(of transaction: Transaction) async throws(ProviderError) -> PaymentStatusReport

    /// Gives money back through the provider, fully or partly. Throws a definite refusal only
    /// when the provider did not refund (``ProviderError/isDefiniteRefusal``).
    func refund(_ request: RefundRequest) async throws(ProviderError) -> RefundReceipt

    /// Asks what became of a refund sent earlier with `request`'s refund id, whose outcome was
    /// unknown. Providers without such a query throw ``ProviderError/unsupported(provider:operation:)``.
    func refundStatus(_ request: RefundRequest) async throws(ProviderError) -> RefundStatusReport
}

extension PaymentProvider {
    public func refundStatus(_ request: RefundRequest) async throws(ProviderError) -> RefundStatusReport {
        throw .unsupported(provider: id, operation: "refund query")
    }

    /// Refund amounts must be positive and at most what was paid; the transaction must be paid.
    func checkRefund(_ request: RefundRequest) throws(ProviderError) {
        guard request.transaction.status == .paid, request.transaction.providerReference != nil else {
            throw .invalidRequest(
                provider: id, operation: "refund",
                message: "transaction \(request.transaction.orderCode) is \(request.transaction.status), not paid")
        }
        guard request.amount > .zero, request.amount <= request.transaction.amount else {
            throw .invalidRequest(
                provider: id, operation: "refund",
                message: "\(request.amount) is not between 1 and the \(request.transaction.amount) paid")
        }
    }
}
