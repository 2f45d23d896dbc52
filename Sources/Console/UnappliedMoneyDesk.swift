import Foundation
import HotspotPayCore
import Logging
import Payments
import Store

/// Money received without access (``UnappliedPayment``): the dashboard's list and what an
/// operator can do about each one: refund it through its provider, grant the access it paid
/// for, mark it refunded outside the provider (at the bank), or dismiss it with a note.
public struct UnappliedMoneyDesk: Sendable {
    public typealias Stores = UnappliedPaymentStore & TransactionStore
    let store: any Stores
    let providers: PaymentProviders
    let logger: Logger
    let unlocks: any UnlockDispatch

    public init(
        store: any Stores, providers: PaymentProviders, logger: Logger,
        unlocks: any UnlockDispatch = StoredUnlocksOnly()
    ) {
        self.store = store
        self.providers = providers
        self.logger = logger
        self.unlocks = unlocks
    }

    /// What an operator chooses.
    public enum Action: String, Sendable, CaseIterable {
        case refund
        case grant
        case markRefunded = "mark_refunded"
        case dismiss
    }

    public func list(open: Bool = true, limit: Int = 100) async throws(ConsoleError) -> [UnappliedPayment] {
        try await ConsoleError.wrap { try await store.unappliedPayments(open: open, limit: limit) }
    }

    public func resolve(id: String, action: Action, note: String, actor: String) async throws(ConsoleError)
        -> UnappliedPayment
    {
        let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmed.count) else {
            throw .invalid([.init(field: "note", message: "say why (1 to 200 characters), for the audit log")])
        }
        guard let money = try await ConsoleError.wrap({ try await store.unappliedPayment(id: id) }) else {
            throw .notFound(entity: "unapplied payment", id: id)
        }
        guard money.isOpen else {
            throw .conflict("this payment was \(money.resolution!.rawValue) already by \(money.resolvedBy ?? "?")")
        }
        switch action {
        case .dismiss, .markRefunded:
            return try await ConsoleError.wrap {
                try await store.resolveUnappliedPayment(
                    id: id, resolution: action == .dismiss ? .dismissed : .refunded, note: trimmed, actor: actor,
                    at: Date())
            }
        case .grant:
            guard money.kind != .duplicate else {
                throw .conflict(
                    "the order was already paid and has its access; to give more time, extend the device's grant, then "
                        + "refund or dismiss this payment")
            }
            let applied = try await ConsoleError.wrap {
                try await store.grantUnappliedPayment(id: id, note: trimmed, actor: actor, at: Date())
            }
            if case .applied(_, _, let job?, _) = applied, job.status == .queued { unlocks.queued() }
            return try await reload(id) ?? money
        case .refund:
            return try await refund(money, note: trimmed, actor: actor)
        }
    }

    /// Refunds the payment itself (its own provider reference and amount), not the order's.
    private func refund(_ money: UnappliedPayment, note: String, actor: String) async throws(ConsoleError)
        -> UnappliedPayment
    {
        guard let provider = providers.provider(money.provider) else {
            throw .conflict("\(money.provider) is not configured; refund it in its own portal, then mark it refunded")
        }
        guard let order = try await ConsoleError.wrap({ try await store.transaction(id: money.transactionID) }) else {
            throw .notFound(entity: "sale", id: money.transactionID)
        }
        // A refund whose outcome is unknown blocks another: the same money must not go out twice.
        _ = try await ConsoleError.wrap {
            try await store.markUnappliedRefundRequested(id: money.id, at: Date(), actor: actor)
        }
        var paid = order
        paid.status = .paid
        paid.providerReference = money.providerReference
        paid.amount = money.amount
        let request = RefundRequest(
            transaction: paid, amount: money.amount, reason: note, requestedBy: actor, refundID: "U" + money.id)
        let receipt: RefundReceipt
        do { receipt = try await provider.refund(request) } catch {
            if error.isDefiniteRefusal {
                _ = try await ConsoleError.wrap {
                    try await store.markUnappliedRefundRequested(id: money.id, at: nil, actor: actor)
                }
                throw .provider(error)
            }
            logger.warning(
                "refund of unapplied money: outcome unknown",
                metadata: ["payment": "\(money.providerReference)", "error": "\(error)"])
            throw .conflict(
                "the refund was sent but \(money.provider) did not say whether it was done (\(error)); look it up in "
                    + "its merchant portal, then mark this payment refunded or dismiss it")
        }
        return try await ConsoleError.wrap {
            try await store.resolveUnappliedPayment(
                id: money.id, resolution: .refunded, note: "\(note) (provider reference \(receipt.providerReference))",
                actor: actor, at: Date())
        }
    }

    private func reload(_ id: String) async throws(ConsoleError) -> UnappliedPayment? {
        try await ConsoleError.wrap { try await store.unappliedPayment(id: id) }
    }
}
