/// Progress of telling a router about a payment: `queued → sent → acked | nak | failed`, and
/// `sent → queued` when the router did not answer and another attempt is scheduled.
public enum UnlockJobStatus: String, LifecycleState, Codable {
    case queued
    case sent
    case acked
    case nak
    case failed

    public enum Event: String, CaseIterable, Sendable, Hashable {
        /// The request left for the router.
        case send
        /// The router acknowledged (CoA-ACK / Disconnect-ACK), or Accounting-Start for the paid
        /// session arrived.
        case acknowledge
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
        // An Accounting-Start can prove the unlock before the job was even sent.
        case .acknowledge: ([.queued, .sent], .acked)
        case .reject: ([.sent], .nak)
        case .retry: ([.sent], .queued)
        case .giveUp: ([.queued, .sent], .failed)
        }
    }
}
