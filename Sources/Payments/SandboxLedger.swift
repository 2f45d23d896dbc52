import HotspotPayCore

/// What the sandbox wallet did with each order, so the sandbox can answer status queries and
/// refunds like a real provider. In memory: the sandbox is for demos and tests.
public actor SandboxLedger {
    public enum Entry: Sendable, Hashable {
        case paid(reference: String, amount: Money)
        case declined
        case refunded(reference: String, amount: Money)
    }

    private var entries: [String: Entry] = [:]
    /// Refunded so far per order (partial refunds add up).
    private var refundedSoFar: [String: Money] = [:]
    /// Each refund by its id, for refund-status queries.
    private var refundsByID: [String: String] = [:]
    private var nextReference: Int64 = 1_000_000
    /// Random per ledger: references must stay unique across daemon restarts (and between a
    /// test's ledger and the daemon's), or a new payment would look like a reused one.
    private let run: String

    public init() {
        run = String((0..<6).map { _ in "ABCDEFGHJKMNPQRSTVWXYZ23456789".randomElement()! })
    }

    func record(_ orderID: String, paid amount: Money) -> String {
        if case .paid(let reference, _) = entries[orderID] { return reference }
        nextReference += 1
        let reference = "SBX\(run)\(nextReference)"
        entries[orderID] = .paid(reference: reference, amount: amount)
        return reference
    }

    func recordDeclined(_ orderID: String) {
        if entries[orderID] == nil { entries[orderID] = .declined }
    }

    /// Refunds (possibly in parts, like MoMo and VNPay) up to what was paid; the entry reads
    /// `refunded` once all of it has been given back.
    func recordRefund(_ orderID: String, amount: Money, refundID: String) -> String? {
        if let done = refundsByID[refundID] { return done }
        guard case .paid(_, let paid) = entries[orderID], amount.dong > 0 else { return nil }
        let total = (refundedSoFar[orderID] ?? .zero) + amount
        guard total <= paid else { return nil }
        nextReference += 1
        let reference = "SBR\(run)\(nextReference)"
        refundedSoFar[orderID] = total
        refundsByID[refundID] = reference
        if total == paid { entries[orderID] = .refunded(reference: reference, amount: paid) }
        return reference
    }

    public func entry(_ orderID: String) -> Entry? { entries[orderID] }

    /// The reference of the refund with `refundID`, if it was made.
    public func refund(id refundID: String) -> String? { refundsByID[refundID] }
}
