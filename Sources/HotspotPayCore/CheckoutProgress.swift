import struct Foundation.Date

/// Where a guest's purchase stands, as the pay page shows it: waiting for the money, paid but
/// the device not yet confirmed online, online, or closed. "Online" needs proof from the router's
/// own state: a session that began after the payment (Accounting-Start), its active list, or a
/// CoA acknowledged on a session that began under the pass.
public enum CheckoutProgress: Hashable, Sendable {
    case awaitingPayment
    /// Paid; `unlockTrouble` when the router refused or never answered the unlock.
    case paid(unlockTrouble: Bool)
    case online
    case closed(ClosedReason)

    /// Why nothing more will happen to this purchase.
    public enum ClosedReason: String, Sendable, Hashable {
        case expired, failed, cancelled, refunded
        /// The provider says paid but the payment could not be applied: the venue checks it.
        case review
        /// Paid, but the grant it bought has run out of time or data.
        case usedUp
    }

    /// The page state the browser compares against: pending, paid, online or closed.
    public var state: String {
        switch self {
        case .awaitingPayment: "pending"
        case .paid: "paid"
        case .online: "online"
        case .closed: "closed"
        }
    }

    public static func of(
        _ transaction: Transaction, grant: Grant?, unlockJobs: [UnlockJob], sessions: [RadiusSession], now: Date
    ) -> CheckoutProgress {
        switch transaction.status {
        case .pending: return .awaitingPayment
        case .expired: return .closed(.expired)
        case .failed: return .closed(.failed)
        case .cancelled: return .closed(.cancelled)
        case .refunded: return .closed(.refunded)
        case .needsReview: return .closed(.review)
        case .paid: break
        }
        guard let grant, grant.status == .active, !grant.isExhausted(at: now) else {
            return .closed(.usedUp)
        }
        let paidAt = transaction.paidAt ?? transaction.updatedAt
        // The device is the one holding the pass now: a pass moved to a phone's new MAC is online
        // when that MAC is, at whichever router it came through.
        let moved = grant.mac != transaction.mac
        // A job is acked only once the router's own state showed the device in (its new session's
        // Accounting-Start, its active list, or a CoA to a session begun under the pass).
        let acknowledged = unlockJobs.contains { $0.status == .acked && $0.mac == grant.mac }
        let sessionSincePayment = sessions.contains {
            $0.isOpen && $0.mac == grant.mac && (moved || $0.routerID == transaction.routerID) && $0.startedAt >= paidAt
        }
        if acknowledged || sessionSincePayment { return .online }
        return .paid(unlockTrouble: unlockJobs.contains { [.nak, .failed, .unconfirmed].contains($0.status) })
    }
}
