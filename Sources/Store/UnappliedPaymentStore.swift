import Foundation
import HotspotPayCore

/// Money received without access (``UnappliedPayment``): recorded by the payment application in
/// the same database transaction that refuses to apply it, listed and resolved by operators.
public protocol UnappliedPaymentStore: Sendable {
    /// Open ones (newest first) when `open`, else every one.
    func unappliedPayments(open: Bool, limit: Int) async throws(StoreError) -> [UnappliedPayment]
    func unappliedPayment(id: String) async throws(StoreError) -> UnappliedPayment?
    /// Notes that a refund of it was sent (`at`) or, with nil, that the provider refused it. Refuses
    /// (``StoreError/transition(_:)``) a second refund while one is outstanding or once resolved.
    func markUnappliedRefundRequested(id: String, at: Date?, actor: String) async throws(StoreError) -> UnappliedPayment
    /// Closes it with `resolution`, audited; refused (``StoreError/transition(_:)``) when already closed.
    func resolveUnappliedPayment(
        id: String, resolution: UnappliedPayment.Resolution, note: String, actor: String, at: Date
    ) async throws(StoreError) -> UnappliedPayment
    /// Grants the access the money paid for: the order (failed, cancelled, expired or held for
    /// review) becomes paid exactly as a confirmed payment would, with a grant and an unlock job,
    /// and the unapplied payment is closed as `granted`, all in one database transaction.
    func grantUnappliedPayment(id: String, note: String, actor: String, at: Date) async throws(StoreError)
        -> PaymentApplication
}

extension UnappliedPayment {
    /// A refund is sent once: another while one's outcome is unknown could pay the guest twice.
    /// (`at` nil clears the mark after a refund that failed.)
    public func checkRefundCanBeSent(at: Date?) throws(TransitionError) {
        try checkOpen(for: "refund")
        if at != nil, let sent = refundRequestedAt {
            throw TransitionError(
                entity: "unapplied payment", event: "refund",
                from: "refund sent \(sent.formatted(.iso8601)), outcome unknown", allowedFrom: ["open"],
                kind: .forbidden)
        }
    }
}
