import HotspotPayCore

import struct Foundation.Date

/// A provider's verified statement that a transaction was paid, ready to be applied.
public struct PaymentConfirmation: Sendable, Hashable {
    public var transactionID: String
    public var provider: ProviderID
    /// The provider's id for the payment; (provider, reference) is unique across all transactions.
    public var providerReference: String
    /// What the provider says was paid; must equal the transaction's amount.
    public var amount: Money
    public var at: Date
    /// Who delivered it, for the audit log: `provider:momo`, `sweeper`, `cli`.
    public var actor: String
    /// The caller will send the unlock itself right away (the daemon's callback path hands the
    /// job to its worker): the job is stored already claimed (`sent`, attempt 1), which saves
    /// the worker a write and a queue read. If the caller dies before sending, the job is sent
    /// again after the worker's resend delay, like any send cut off mid-way.
    public var claimUnlock = false

    public init(
        transactionID: String, provider: ProviderID, providerReference: String, amount: Money, at: Date, actor: String
    ) {
        self.transactionID = transactionID
        self.provider = provider
        self.providerReference = providerReference
        self.amount = amount
        self.at = at
        self.actor = actor
    }
}

/// What applying a confirmation did. Exactly one concurrent delivery gets ``applied``; the others
/// see ``alreadyConfirmed`` and answer the provider accordingly.
public enum PaymentApplication: Sendable, Hashable {
    /// The transaction became paid; the grant was started or extended; an unlock job was queued
    /// when the router unlocks by CoA. `late` when the transaction had already expired.
    case applied(transaction: Transaction, grant: Grant, unlockJob: UnlockJob?, late: Bool)
    /// The same payment was applied before: nothing changed.
    case alreadyConfirmed(Transaction)
    /// Refused and audited: nothing about the guest's access changed.
    case rejected(PaymentRejection)
}

/// Why a verified callback still cannot be applied.
public enum PaymentRejection: Sendable, Hashable, CustomStringConvertible {
    case unknownTransaction(id: String)
    /// The provider says another amount was paid: the money is listed and a pending order is held
    /// for review (`needs_review`).
    case amountMismatch(expected: Money, received: Money)
    /// Likewise for a payment through another provider than the order's.
    case providerMismatch(expected: ProviderID, received: ProviderID)
    /// The provider reference already belongs to another transaction.
    case referenceReused(reference: String, otherTransactionID: String)
    /// The transaction is in a state that cannot become paid (failed, cancelled, refunded); the
    /// money is listed as received without access.
    case notPayable(TransitionError)
    /// The order was already paid by another payment (`existingReference`); this second one is
    /// listed as received without access.
    case duplicatePayment(existingReference: String)

    public var description: String {
        switch self {
        case .unknownTransaction(let id): "no transaction '\(id)'"
        case .amountMismatch(let expected, let received): "amount \(received) does not match the order's \(expected)"
        case .providerMismatch(let expected, let received): "paid through \(received) but the order is for \(expected)"
        case .referenceReused(let reference, let other):
            "provider reference '\(reference)' already paid transaction \(other)"
        case .notPayable(let error): error.description
        case .duplicatePayment(let existing): "the order was already paid (reference \(existing)): a second payment"
        }
    }
}
