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

    func recordRefund(_ orderID: String, amount: Money) -> String? {
        guard case .paid = entries[orderID] else { return nil }
        nextReference += 1
        let reference = "SBR\(run)\(nextReference)"
        entries[orderID] = .refunded(reference: reference, amount: amount)
        return reference
    }

    public func entry(_ orderID: String) -> Entry? { entries[orderID] }
}
