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

    public init() {}

    func record(_ orderID: String, paid amount: Money) -> String {
        if case .paid(let reference, _) = entries[orderID] { return reference }
        nextReference += 1
        entries[orderID] = .paid(reference: "SBX\(nextReference)", amount: amount)
        return "SBX\(nextReference)"
    }

    func recordDeclined(_ orderID: String) {
        if entries[orderID] == nil { entries[orderID] = .declined }
    }

    func recordRefund(_ orderID: String, amount: Money) -> String? {
        guard case .paid = entries[orderID] else { return nil }
        nextReference += 1
        entries[orderID] = .refunded(reference: "SBR\(nextReference)", amount: amount)
        return "SBR\(nextReference)"
    }

    public func entry(_ orderID: String) -> Entry? { entries[orderID] }
}
