import struct Foundation.Date

/// Money a provider confirmed that gave nobody access: a second payment for an order already paid
/// (another provider reference), a success for an order that had failed or been cancelled, or a
/// payment the order cannot take as it stands (another amount, another provider). Listed for an
/// operator, who refunds it, grants the access it paid for, or dismisses it with a note.
public struct UnappliedPayment: Hashable, Sendable, Identifiable {
    /// Why the money gave no access.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// The order was already paid by another payment.
        case duplicate
        /// The order had failed, been cancelled or refunded.
        case unapplied
        /// The payment does not match the order (amount, provider): the order waits for review.
        case mismatch
    }

    /// What an operator did about it.
    public enum Resolution: String, Sendable, Hashable, CaseIterable, Codable {
        /// Given back through the provider, or outside it (at the bank) and marked so.
        case refunded
        /// The access it paid for was given.
        case granted
        /// Nothing to do (explained in the note).
        case dismissed
    }

    public var id: String
    public var transactionID: String
    public var provider: ProviderID
    /// The provider's id for this payment, unique per provider.
    public var providerReference: String
    public var amount: Money
    public var kind: Kind
    public var detail: String
    public var receivedAt: Date
    /// When a refund of it was sent and its outcome is not known yet: no second refund until an
    /// operator or the provider settles it.
    public var refundRequestedAt: Date?
    public var resolution: Resolution?
    public var note: String?
    public var resolvedBy: String?
    public var resolvedAt: Date?

    public init(
        id: String, transactionID: String, provider: ProviderID, providerReference: String, amount: Money, kind: Kind,
        detail: String, receivedAt: Date, refundRequestedAt: Date? = nil, resolution: Resolution? = nil,
        note: String? = nil, resolvedBy: String? = nil, resolvedAt: Date? = nil
    ) {
        self.id = id
        self.transactionID = transactionID
        self.provider = provider
        self.providerReference = providerReference
        self.amount = amount
        self.kind = kind
        self.detail = detail
        self.receivedAt = receivedAt
        self.refundRequestedAt = refundRequestedAt
        self.resolution = resolution
        self.note = note
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
    }

    public var isOpen: Bool { resolution == nil }
}

extension UnappliedPayment {
    /// Only money not yet settled can be granted, refunded or resolved.
    public func checkOpen(for event: String) throws(TransitionError) {
        if let resolution {
            throw TransitionError(
                entity: "unapplied payment", event: event, from: resolution.rawValue, allowedFrom: ["open"],
                kind: .alreadyApplied)
        }
    }

}
