import Foundation
import HotspotPayCore

/// One step in a sale's life as the operator page shows it: created → provider request →
/// callback(s) → paid → CoA sent → ACK → online (and refunds), each with its time and source.
public struct TimelineEntry: Sendable, Hashable {
    /// A stable name for the step: `created`, `provider_request`, `callback_rejected`, `paid`,
    /// `grant`, `unlock_sent`, `router_acked`, `unlock_acked`, `unlock_failed`, `online`, `offline`, `refund`,
    /// `expired`, `failed`, `cancelled`, `other`.
    public var step: String
    public var at: Date
    public var actor: String
    public var detail: String

    public init(step: String, at: Date, actor: String, detail: String) {
        self.step = step
        self.at = at
        self.actor = actor
        self.detail = detail
    }

    /// The step an audit event stands for.
    static func step(for kind: AuditKind) -> String {
        switch kind {
        case .transactionCreated: "created"
        case .paymentConfirmed, .latePaymentHonoured: "paid"
        case .paymentRejected, .callbackRejected: "callback_rejected"
        case .paymentFailed: "failed"
        case .transactionExpired: "expired"
        case .transactionCancelled: "cancelled"
        case .transactionRefunded, .transactionPartlyRefunded, .refundFailed: "refund"
        case .grantStarted, .grantExtended, .grantEnded, .grantRevoked, .grantExtendedByOperator: "grant"
        case .unlockRouterAcknowledged: "router_acked"
        case .unlockAcknowledged: "unlock_acked"
        case .unlockFailed: "unlock_failed"
        default: "other"
        }
    }
}

/// Everything about one sale for its detail page.
public struct SaleDetail: Sendable {
    public var transaction: Transaction
    public var plan: Plan?
    public var grant: Grant?
    public var refunds: [Refund]
    public var unlockJobs: [UnlockJob]
    public var payment: PaymentRequest?
    public var timeline: [TimelineEntry]

    /// What may still be refunded (the paid amount less refunds not failed).
    public var refundable: Money {
        guard transaction.status == .paid else { return .zero }
        return refunds.filter(\.status.holdsMoney).reduce(transaction.amount) { $0 - $1.amount }
    }

    /// Merges the audit log, the unlock jobs and the device's sessions into time order.
    static func timeline(
        transaction: Transaction, audit: [AuditEvent], jobs: [UnlockJob], sessions: [RadiusSession],
        payment: PaymentRequest?
    ) -> [TimelineEntry] {
        var entries = audit.map {
            TimelineEntry(step: TimelineEntry.step(for: $0.kind), at: $0.at, actor: $0.actor, detail: $0.detail)
        }
        if let payment {
            entries.append(
                TimelineEntry(
                    step: "provider_request", at: transaction.createdAt, actor: "provider:\(transaction.provider)",
                    detail: "payment request \(payment.providerOrderID)"))
        }
        for job in jobs where job.attempts > 0 {
            let message =
                switch job.action {
                case .coa: "CoA to"
                case .disconnect: "Disconnect to"
                case .login: "REST login at"
                }
            entries.append(
                TimelineEntry(
                    step: "unlock_sent", at: job.createdAt, actor: "unlock-worker",
                    detail:
                        "\(message) router \(job.routerID), \(job.attempts) attempt(s), now \(job.status.rawValue)"
                ))
        }
        for job in jobs where job.status == .acked {
            guard let path = job.unlockedBy else { continue }
            entries.append(
                TimelineEntry(
                    step: "unlocked_by", at: job.updatedAt, actor: "router:\(job.routerID)", detail: path.explanation))
        }
        if let paidAt = transaction.paidAt {
            for session in sessions where session.updatedAt >= paidAt {
                entries.append(
                    TimelineEntry(
                        step: "online", at: max(session.startedAt, paidAt), actor: "router:\(session.routerID)",
                        detail:
                            "session \(session.acctSessionID) \(session.framedIP.map { "at \($0)" } ?? ""), \(ByteCount.format(session.inputBytes + session.outputBytes)) used"
                    ))
                if let stopped = session.stoppedAt {
                    entries.append(
                        TimelineEntry(
                            step: "offline", at: stopped, actor: "router:\(session.routerID)",
                            detail: "session \(session.acctSessionID) ended: \(session.terminateCause ?? "stop")"))
                }
            }
        }
        // Stable: equal times keep the order the steps happen in.
        return entries.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }
}
