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
    ///
    /// Only a definite refusal fails the refund. When the outcome is unknown (timeout, broken
    /// connection, 5xx, still processing) it stays `requested`, holding its money, and the
    /// outcome says so: ``check(refundID:actor:)`` asks the provider later, and any refund of
    /// the same sale first settles the ones still outstanding.
    public func refund(
        transactionID: String, amount text: String?, reason: String, revokeAccess: Bool, actor: String
    ) async throws(ConsoleError) -> Outcome {
        guard var transaction = try await ConsoleError.wrap({ try await store.transaction(id: transactionID) }) else {
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
        // Money whose refund may already have left is settled with the provider first.
        for outstanding in try await ConsoleError.wrap({ try await store.refunds(transactionID: transactionID) })
        where outstanding.status == .requested {
            _ = try await check(refundID: outstanding.id, actor: actor)
        }
        transaction = try await ConsoleError.wrap({ try await store.transaction(id: transactionID) }) ?? transaction
        let refunds = try await ConsoleError.wrap { try await store.refunds(transactionID: transactionID) }
        if let open = refunds.first(where: { $0.status == .requested }) {
            throw .conflict(
                "refund \(open.id) of \(open.amount.dong) VND is still being checked with \(transaction.provider) "
                    + "(\(open.note ?? "outcome unknown")): settle it first, so the same money is not refunded twice")
        }
        let already = refunds.filter(\.status.holdsMoney).reduce(Money.zero) { $0 + $1.amount }
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
            receipt = try await provider.refund(request(for: refund, of: transaction))
        } catch {
            let metadata: Logger.Metadata = [
                "order": "\(transaction.orderCode)", "provider": "\(transaction.provider)", "error": "\(error)",
            ]
            if error.isDefiniteRefusal {
                logger.warning("refund refused by the provider", metadata: metadata)
                try await ConsoleError.wrap {
                    try await store.failRefund(id: refund.id, reason: "\(error)", at: Date())
                }
                throw .provider(error)
            }
            logger.warning("refund outcome unknown: checking with the provider", metadata: metadata)
            let noted = try await ConsoleError.wrap {
                try await store.noteRefund(
                    id: refund.id, note: "sent, outcome unknown (\(error)); checking with the provider", at: Date())
            }
            return Outcome(refund: noted, transaction: transaction, revokedGrant: nil)
        }
        return try await succeeded(
            refund, reference: receipt.providerReference, revokeAccess: revokeAccess, actor: actor)
    }

    /// Asks the provider what became of a refund still `requested`: done → succeeded; refused or
    /// never received → failed (its money may be refunded again); otherwise it stays, with a note
    /// (a provider without a refund query says to check its merchant portal and settle it with
    /// ``resolve(refundID:succeeded:providerReference:note:actor:)``).
    public func check(refundID: String, actor: String) async throws(ConsoleError) -> Refund {
        let (refund, transaction) = try await outstanding(refundID)
        guard let provider = providers.provider(transaction.provider) else {
            return try await note(refund, "\(transaction.provider) is not configured: check its merchant portal")
        }
        let report: RefundStatusReport
        do { report = try await provider.refundStatus(request(for: refund, of: transaction)) } catch {
            if case .unsupported = error {
                return try await note(
                    refund,
                    "\(transaction.provider) has no refund query: look the refund up in its merchant portal, then mark "
                        + "it succeeded or failed")
            }
            return try await note(refund, "asked \(transaction.provider), no clear answer (\(error)); ask again later")
        }
        switch report {
        case .succeeded(let reference):
            return try await succeeded(refund, reference: reference, revokeAccess: false, actor: actor).refund
        case .failed(let code, let message):
            try await ConsoleError.wrap {
                try await store.failRefund(
                    id: refund.id, reason: "\(transaction.provider) says it failed: code \(code), \(message)",
                    at: Date())
            }
        case .notFound:
            try await ConsoleError.wrap {
                try await store.failRefund(
                    id: refund.id, reason: "\(transaction.provider) has no such refund: it never arrived", at: Date())
            }
        case .pending(let code):
            return try await note(refund, "\(transaction.provider) is still processing it (code \(code))")
        }
        return try await ConsoleError.wrap { try await store.refund(id: refund.id) } ?? refund
    }

    /// Settles a refund still `requested` by hand, after the operator looked it up in the
    /// provider's merchant portal.
    public func resolve(
        refundID: String, succeeded: Bool, providerReference: String?, note: String, actor: String
    ) async throws(ConsoleError) -> Refund {
        let (refund, _) = try await outstanding(refundID)
        let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmed.count) else {
            throw .invalid([
                .init(field: "note", message: "say what the provider's portal showed (1 to 200 characters)")
            ])
        }
        if succeeded {
            let reference = providerReference?.trimmingCharacters(in: .whitespaces) ?? ""
            guard !reference.isEmpty else {
                throw .invalid([.init(field: "provider_reference", message: "the refund's id in the provider's portal")]
                )
            }
            return try await self.succeeded(refund, reference: reference, revokeAccess: false, actor: actor).refund
        }
        try await ConsoleError.wrap {
            try await store.failRefund(id: refund.id, reason: "marked failed by \(actor): \(trimmed)", at: Date())
        }
        return try await ConsoleError.wrap { try await store.refund(id: refund.id) } ?? refund
    }

    private func outstanding(_ refundID: String) async throws(ConsoleError) -> (Refund, Transaction) {
        guard let refund = try await ConsoleError.wrap({ try await store.refund(id: refundID) }) else {
            throw .notFound(entity: "refund", id: refundID)
        }
        guard refund.status == .requested else {
            throw .conflict("refund \(refundID) is \(refund.status.rawValue) already")
        }
        guard let transaction = try await ConsoleError.wrap({ try await store.transaction(id: refund.transactionID) })
        else { throw .notFound(entity: "sale", id: refund.transactionID) }
        return (refund, transaction)
    }

    private func note(_ refund: Refund, _ text: String) async throws(ConsoleError) -> Refund {
        try await ConsoleError.wrap { try await store.noteRefund(id: refund.id, note: text, at: Date()) }
    }

    /// The provider's request for `refund`: the same refund id every time, so a query (or a retry
    /// the provider de-duplicates) names the same refund.
    private func request(for refund: Refund, of transaction: Transaction) -> RefundRequest {
        var paid = transaction
        paid.status = .paid  // a fully refunded sale is `refunded` by the time a late answer is checked
        return RefundRequest(
            transaction: paid, amount: refund.amount, reason: refund.reason, requestedBy: refund.actor,
            refundID: refund.id)
    }

    private func succeeded(_ refund: Refund, reference: String, revokeAccess: Bool, actor: String)
        async throws(ConsoleError) -> Outcome
    {
        let updated = try await ConsoleError.wrap {
            try await store.completeRefund(id: refund.id, providerReference: reference, at: Date())
        }
        logger.notice(
            "refunded",
            metadata: [
                "transaction": "\(refund.transactionID)", "amount": "\(refund.amount.dong)", "actor": "\(actor)",
                "reference": "\(reference)",
            ])
        var done = refund
        done.status = .succeeded
        done.providerReference = reference
        var revoked: Grant?
        if revokeAccess, updated.status == .refunded,
            let grant = try await ConsoleError.wrap({ try await store.grant(transactionID: refund.transactionID) }),
            grant.status == .active
        {
            revoked = try await grants.revoke(id: grant.id, reason: "refund of \(updated.orderCode)", actor: actor)
        }
        return Outcome(refund: done, transaction: updated, revokedGrant: revoked)
    }
}
