import HotspotPayCore

import struct Foundation.Date

/// Refunds of paid transactions.
public protocol RefundStore: Sendable {
    /// Records a refund as `requested`, refusing (``StoreError/refundExceedsPayment(transactionID:paid:alreadyRefunded:asked:)``)
    /// when it and the refunds not failed would give back more than was paid, or
    /// (``StoreError/transition(_:)``) when the transaction is not paid.
    func requestRefund(_ refund: Refund) async throws(StoreError)
    /// The provider accepted: the refund succeeds, and when everything paid has now been given
    /// back the transaction becomes `refunded`; audited in the same database transaction.
    func completeRefund(id: String, providerReference: String, at: Date) async throws(StoreError) -> Transaction
    /// The provider refused, or says it never got the refund; the amount is free to refund again.
    func failRefund(id: String, reason: String, at: Date) async throws(StoreError)
    /// The outcome is unknown (timeout, 5xx, still processing): the refund stays `requested` and
    /// keeps holding its money; `note` says what is known, audited once per change.
    func noteRefund(id: String, note: String, at: Date) async throws(StoreError) -> Refund
    func refunds(transactionID: String) async throws(StoreError) -> [Refund]
    func refund(id: String) async throws(StoreError) -> Refund?
}
