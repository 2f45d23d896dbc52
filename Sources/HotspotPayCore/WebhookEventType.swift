/// What an outbound webhook reports. Each is derived from the audit line written in the same
/// database transaction as the change, so an event exists exactly when its change committed.
public struct WebhookEventType: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public static let paymentSucceeded = WebhookEventType(rawValue: "payment.succeeded")
    public static let paymentFailed = WebhookEventType(rawValue: "payment.failed")
    public static let paymentExpired = WebhookEventType(rawValue: "payment.expired")
    /// Money received without access (a second payment, a wrong amount, an order no longer payable).
    public static let paymentUnapplied = WebhookEventType(rawValue: "payment.unapplied")
    /// All or part of a sale given back.
    public static let refundSucceeded = WebhookEventType(rawValue: "refund.succeeded")
    public static let refundFailed = WebhookEventType(rawValue: "refund.failed")
    public static let grantStarted = WebhookEventType(rawValue: "grant.started")
    /// More time or data on a device's pass (a top-up, or an operator's extension).
    public static let grantExtended = WebhookEventType(rawValue: "grant.extended")
    /// The pass ran out or was revoked.
    public static let grantEnded = WebhookEventType(rawValue: "grant.ended")
    public static let unlockAcknowledged = WebhookEventType(rawValue: "unlock.acknowledged")
    public static let unlockFailed = WebhookEventType(rawValue: "unlock.failed")
    public static let voucherRedeemed = WebhookEventType(rawValue: "voucher.redeemed")
    /// Sent only by "send a test event", to the one endpoint asked for.
    public static let test = WebhookEventType(rawValue: "webhook.test")

    /// Every event an endpoint may subscribe to.
    public static let all: [WebhookEventType] = [
        .paymentSucceeded, .paymentFailed, .paymentExpired, .paymentUnapplied, .refundSucceeded, .refundFailed,
        .grantStarted, .grantExtended, .grantEnded, .unlockAcknowledged, .unlockFailed, .voucherRedeemed,
    ]

    /// The event an audit line reports, nil for changes no venue system is told about (operator
    /// changes, logins, rejected callbacks).
    public init?(reporting kind: AuditKind) {
        switch kind {
        case .paymentConfirmed, .latePaymentHonoured: self = .paymentSucceeded
        case .paymentFailed: self = .paymentFailed
        case .transactionExpired: self = .paymentExpired
        case .paymentUnapplied, .paymentDuplicate: self = .paymentUnapplied
        case .transactionRefunded, .transactionPartlyRefunded: self = .refundSucceeded
        case .refundFailed: self = .refundFailed
        case .grantStarted: self = .grantStarted
        case .grantExtended, .grantExtendedByOperator: self = .grantExtended
        case .grantEnded, .grantRevoked: self = .grantEnded
        case .unlockAcknowledged: self = .unlockAcknowledged
        case .unlockFailed: self = .unlockFailed
        case .voucherRedeemed: self = .voucherRedeemed
        default: return nil
        }
    }
}
