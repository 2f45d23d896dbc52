import struct Foundation.Date

/// What kind of thing happened; a struct so that old rows written by newer builds still load.
public struct AuditKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let transactionCreated = AuditKind(rawValue: "transaction.created")
    public static let paymentConfirmed = AuditKind(rawValue: "payment.confirmed")
    public static let latePaymentHonoured = AuditKind(rawValue: "payment.late_honoured")
    public static let paymentRejected = AuditKind(rawValue: "payment.rejected")
    /// A callback that failed verification or named no payable order; nothing changed.
    public static let callbackRejected = AuditKind(rawValue: "callback.rejected")
    public static let paymentFailed = AuditKind(rawValue: "payment.failed")
    /// A second real payment for an order already paid: money received without access.
    public static let paymentDuplicate = AuditKind(rawValue: "payment.duplicate")
    /// A payment for an order that failed, was cancelled or refunded, or that does not match it.
    public static let paymentUnapplied = AuditKind(rawValue: "payment.unapplied")
    /// An operator refunded, granted or dismissed money received without access.
    public static let unappliedResolved = AuditKind(rawValue: "payment.unapplied_resolved")
    /// The provider says paid but the order cannot take the payment: held for an operator.
    public static let transactionHeldForReview = AuditKind(rawValue: "transaction.needs_review")
    public static let transactionExpired = AuditKind(rawValue: "transaction.expired")
    public static let transactionCancelled = AuditKind(rawValue: "transaction.cancelled")
    public static let transactionRefunded = AuditKind(rawValue: "transaction.refunded")
    public static let grantStarted = AuditKind(rawValue: "grant.started")
    public static let grantExtended = AuditKind(rawValue: "grant.extended")
    public static let grantEnded = AuditKind(rawValue: "grant.ended")
    public static let grantRevoked = AuditKind(rawValue: "grant.revoked")
    /// The router's own state shows the device online: the Accounting-Start of a session that
    /// began after the payment, its active list, or a CoA acknowledged on a session begun under
    /// the pass (and, for a removal, the router's ACK).
    public static let unlockAcknowledged = AuditKind(rawValue: "unlock.acknowledged")
    /// The router acknowledged an unlock's Disconnect; its state has yet to show the device online.
    public static let unlockRouterAcknowledged = AuditKind(rawValue: "unlock.router_acknowledged")
    /// The unlock was refused, given up or became pointless (grant ended, router removed).
    public static let unlockFailed = AuditKind(rawValue: "unlock.failed")
    /// An operator asked the provider about a sale ("ask the provider now").
    public static let paymentRechecked = AuditKind(rawValue: "payment.rechecked")
    /// An operator sent a paid device's unlock again.
    public static let unlockResent = AuditKind(rawValue: "unlock.resent")
    public static let planChanged = AuditKind(rawValue: "plan.changed")
    public static let routerChanged = AuditKind(rawValue: "router.changed")
    /// Part of a paid transaction's amount was given back; it stays paid.
    public static let transactionPartlyRefunded = AuditKind(rawValue: "transaction.partly_refunded")
    /// An operator asked a provider for a refund and it refused or did not answer.
    public static let refundFailed = AuditKind(rawValue: "refund.failed")
    /// A refund was sent but the provider's answer left its outcome unknown; its money stays held.
    public static let refundOutcomeUnknown = AuditKind(rawValue: "refund.outcome_unknown")
    /// An operator added time to a device's grant by hand.
    public static let grantExtendedByOperator = AuditKind(rawValue: "grant.extended_by_operator")
    public static let operatorChanged = AuditKind(rawValue: "operator.changed")
    public static let operatorLoggedIn = AuditKind(rawValue: "operator.logged_in")
    public static let apiTokenChanged = AuditKind(rawValue: "api_token.changed")
    /// Every sealed secret was sealed again under a new encryption key (`hotspotpay rekey`).
    public static let secretsResealed = AuditKind(rawValue: "secrets.resealed")
    /// A pass moved to the same guest's new MAC (receipt code typed on the portal).
    public static let grantMoved = AuditKind(rawValue: "grant.moved")
    /// A webhook endpoint was added, changed or removed, or a delivery sent again by hand.
    public static let webhookChanged = AuditKind(rawValue: "webhook.changed")
    /// A payment provider's credentials were changed in the console.
    public static let providerCredentialsChanged = AuditKind(rawValue: "provider.credentials_changed")
    /// A batch of vouchers was made or revoked.
    public static let vouchersChanged = AuditKind(rawValue: "voucher.batch_changed")
    /// A voucher code unlocked a device (the sale's own audit lines follow).
    public static let voucherRedeemed = AuditKind(rawValue: "voucher.redeemed")
}

/// One line of the append-only audit log: every money-moving event and every operator change.
public struct AuditEvent: Hashable, Sendable {
    /// Assigned by the log, increasing; nil before the event is appended.
    public var sequence: Int64?
    public var at: Date
    public var kind: AuditKind
    /// Who caused it: `system`, `provider:momo`, `operator:lan`, `cli`.
    public var actor: String
    public var transactionID: String?
    public var amount: Money?
    /// Free text for people reading the log.
    public var detail: String

    public init(
        sequence: Int64? = nil, at: Date, kind: AuditKind, actor: String, transactionID: String? = nil,
        amount: Money? = nil, detail: String = ""
    ) {
        self.sequence = sequence
        self.at = at
        self.kind = kind
        self.actor = actor
        self.transactionID = transactionID
        self.amount = amount
        self.detail = detail
    }
}

extension AuditEvent {
    /// The audit line (and so the `unlock.acknowledged` webhook) for an unlock job that a
    /// session's Accounting-Start settled: the router's own word that the device is in. Nil for a
    /// Disconnect, which only ended the old session. `path`: how the device came in, as stored.
    public static func unlockAcknowledged(
        byStartOf session: RadiusSession, transactionID: String, action: UnlockAction, path: String?,
        unlocking: Bool = true
    ) -> AuditEvent? {
        // A Disconnect that removed a revoked or moved pass is done by the router's ACK; only one
        // that unlocks (its grant active on this device) is proven by the new session.
        guard action != .disconnect || unlocking else { return nil }
        return AuditEvent(
            at: session.updatedAt, kind: .unlockAcknowledged, actor: "router:\(session.routerID)",
            transactionID: transactionID,
            detail:
                "\(action.rawValue) for \(session.mac) acknowledged by the accounting start of session "
                + "\(session.acctSessionID)" + (path.map { " (\($0))" } ?? ""))
    }
}
