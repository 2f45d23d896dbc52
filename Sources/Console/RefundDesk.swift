import Foundation
import HotspotPayCore
import Logging
import Payments
import Store

/// Gives money back through the provider that took it, in full or in part.
public struct RefundDesk: Sendable {
    public typealias Stores = TransactionStore & RefundStore & GrantStore
    let store: any Stores
    let providers: PaymentProviders
    let grants: GrantDesk
    let logger: Logger

    public init(store: any Stores, providers: PaymentProviders, grants: GrantDesk, logger: Logger) {
        self.store = store
        self.providers = providers
        self.grants = grants
        self.logger = logger
    }

    /// What a refund did.
    public struct Outcome: Sendable {
        public var refund: Refund
        public var transaction: Transaction
        /// The device's access was taken away (a full refund with `revokeAccess`).
        public var revokedGrant: Grant?
    }

    /// Refunds `amount` (all that is left when nil) of a paid sale. The refund is recorded
    /// before the provider is asked, so concurrent requests cannot over-refund and a crash
    /// leaves a `requested` row to check. With `revokeAccess`, a full refund also ends the
    /// device's access (partial refunds never do: the guest keeps what was still paid for).
    public func refund(
        transactionID: String, amount text: String?, reason: String, revokeAccess: Bool, actor: String
    ) async throws(ConsoleError) -> Outcome {
        guard let transaction = try await ConsoleError.wrap({ try await store.transaction(id: transactionID) }) else {
            throw .notFound(entity: "sale", id: transactionID)
        }
        guard transaction.status == .paid else {
            throw .conflict(
                "sale \(transaction.orderCode) is \(transaction.status.rawValue); only paid sales can be refunded")
        }
        guard let provider = providers.provider(transaction.provider) else {
            throw .conflict(
                "provider \(transaction.provider) is not configured any more; refund it in the provider's own portal")
        }
        let already = try await ConsoleError.wrap { try await store.refunds(transactionID: transactionID) }
            .filter(\.status.holdsMoney).reduce(Money.zero) { $0 + $1.amount }
        let amount: Money
        if let text, !text.trimmingCharacters(in: .whitespaces).isEmpty {
            do throws(Money.ParseError) { amount = try Money(parsing: text) } catch {
                throw .invalid([.init(field: "amount", message: error.description)])
            }
        } else {
            amount = transaction.amount - already
        }
        guard amount.dong > 0 else {
            throw .invalid([.init(field: "amount", message: "more than 0 VND (nothing is left to refund)")])
        }
        let trimmedReason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmedReason.count) else {
            throw .invalid([.init(field: "reason", message: "say why (1 to 200 characters), for the audit log")])
        }
        var generator = SystemRandomNumberGenerator()
        let now = Date()
        let refund = Refund(
            id: EntityID.random(using: &generator), transactionID: transaction.id, amount: amount,
            reason: trimmedReason, actor: actor, createdAt: now, updatedAt: now)
        try await ConsoleError.wrap { try await store.requestRefund(refund) }
        let receipt: RefundReceipt
        do {
            receipt = try await provider.refund(
                RefundRequest(
                    transaction: transaction, amount: amount, reason: trimmedReason, requestedBy: actor,
                    refundID: refund.id))
        } catch {
            logger.warning(
                "refund refused by the provider",
                metadata: [
                    "order": "\(transaction.orderCode)", "provider": "\(transaction.provider)", "error": "\(error)",
                ])
            try await ConsoleError.wrap { try await store.failRefund(id: refund.id, reason: "\(error)", at: Date()) }
            throw .provider(error)
        }
        let updated = try await ConsoleError.wrap {
            try await store.completeRefund(id: refund.id, providerReference: receipt.providerReference, at: Date())
        }
        logger.notice(
            "refunded",
            metadata: [
                "order": "\(transaction.orderCode)", "amount": "\(amount.dong)", "actor": "\(actor)",
                "reference": "\(receipt.providerReference)",
            ])
        var done = refund
        done.status = .succeeded
        done.providerReference = receipt.providerReference
        var revoked: Grant?
        if revokeAccess, updated.status == .refunded,
            let grant = try await ConsoleError.wrap({ try await store.grant(transactionID: transaction.id) }),
            grant.status == .active
        {
            revoked = try await grants.revoke(id: grant.id, reason: "refund of \(transaction.orderCode)", actor: actor)
        }
        return Outcome(refund: done, transaction: updated, revokedGrant: revoked)
    }
}
