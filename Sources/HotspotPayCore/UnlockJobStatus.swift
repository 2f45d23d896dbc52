/// Progress of telling a router about a payment: `queued → sent → acked | nak | failed`,
/// `sent → queued` when the router did not answer and another attempt is scheduled, and, for an
/// unlock the router acknowledged without yet showing the device online,
/// `sent → confirming → acked | unconfirmed`.
///
/// A router's ACK is not "online": a Disconnect-ACK only says the old session is gone, and the
/// manual does not say that a CoA's new `Mikrotik-Group` re-applies the profile's address list.
/// Only the router's own state (the new session's Accounting-Start, or `/ip hotspot active`)
/// confirms an unlock.
public enum UnlockJobStatus: String, LifecycleState, Codable {
    case queued
    case sent
    /// The router acknowledged; waiting for its own state to show the device online.
    case confirming
    case acked
    case nak
    case failed
    /// Paid, not confirmed online: the router acknowledged (or had no session to act on) but did
    /// not show the device online within the window. A later Accounting-Start still settles it.
    case unconfirmed

    public enum Event: String, CaseIterable, Sendable, Hashable {
        /// The request left for the router.
        case send
        /// The router's own state shows the device online (Accounting-Start of a session that
        /// began after the job, `/ip hotspot active`), or a removal was acknowledged.
        case acknowledge
        /// The router acknowledged an unlock; its state has yet to show the device online.
        case awaitConfirmation
        /// The router's state did not show the device online within the window.
        case unconfirm
        /// The router refused (CoA-NAK / Disconnect-NAK).
        case reject
        /// No answer after the retransmissions: try again later.
        case retry
        /// Out of attempts.
        case giveUp
    }

    public static let entityName = "unlock job"

    public static func rule(for event: Event) -> (from: Set<UnlockJobStatus>, to: UnlockJobStatus) {
        switch event {
        case .send: ([.queued], .sent)
        // An Accounting-Start can prove the unlock before the job was even sent, or after the
        // window for it closed.
        case .acknowledge: ([.queued, .sent, .confirming, .unconfirmed], .acked)
        case .awaitConfirmation: ([.sent], .confirming)
        case .unconfirm: ([.sent, .confirming], .unconfirmed)
        case .reject: ([.sent], .nak)
        case .retry: ([.sent], .queued)
        case .giveUp: ([.queued, .sent, .confirming], .failed)
        }
    }
}
