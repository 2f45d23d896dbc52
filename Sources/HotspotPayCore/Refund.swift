import struct Foundation.Date

/// Money given back for a paid transaction, in full or in part. Recorded as `requested` before
/// the provider is asked, so a crash in between leaves a visible trace instead of a silent
/// refund, and two operators clicking at once cannot refund more than was paid.
public struct Refund: Hashable, Sendable, Identifiable {
    public var id: String
    public var transactionID: String
    public var amount: Money
    public var reason: String
    public var status: RefundStatus
    /// The provider's id for the refund once it accepted.
    public var providerReference: String?
    /// Why the provider refused, for the operator.
    public var failure: String?
    /// While `requested`: what is known of a refund whose outcome the provider has not told yet.
    public var note: String?
    public var actor: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, transactionID: String, amount: Money, reason: String, status: RefundStatus = .requested,
        providerReference: String? = nil, failure: String? = nil, note: String? = nil, actor: String, createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.transactionID = transactionID
        self.amount = amount
        self.reason = reason
        self.status = status
        self.providerReference = providerReference
        self.failure = failure
        self.note = note
        self.actor = actor
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Where a refund stands: `requested → succeeded | failed`. A refund whose outcome the provider
/// left unknown (timeout, 5xx, still processing) stays `requested`, holding its money, until the
/// provider's query or an operator who checked the provider's portal settles it.
public enum RefundStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case requested
    case succeeded
    case failed

    /// Counts against what may still be refunded (a refund in flight might succeed).
    public var holdsMoney: Bool { self != .failed }
}

extension Refund {
    /// Only a refund still waiting for the provider's answer can get one.
    public func checkRequested() throws(TransitionError) {
        guard status == .requested else {
            throw TransitionError(
                entity: "refund", event: "complete", from: status.rawValue, allowedFrom: ["requested"],
                kind: .alreadyApplied)
        }
    }
}
