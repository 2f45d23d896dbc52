import Foundation
import HotspotPayCore

/// The devices this node's portal showed its plans to recently (and so its code for paying at the
/// counter). A cash sale to a device the venue has never seen is most likely a mistyped code or
/// MAC: the cashier is asked to confirm it. In memory (``MACSlotTable``): a flood of made-up MACs
/// may push a real one out, and the sale then only asks for the confirmation.
public final class SeenDevices: Sendable {
    private let table: MACSlotTable<Bool>

    public init(capacity: Int = 65_536, keepSeconds: Double = 86_400) {
        table = MACSlotTable(capacity: capacity, keepSeconds: keepSeconds)
    }

    /// The portal showed `mac` its plans at `now`.
    public func note(_ mac: MACAddress, at now: Date = Date()) { table.note(true, for: mac, at: now) }

    /// Whether `mac` was noted within the last day (`keepSeconds`) before `now`.
    public func contains(_ mac: MACAddress, now: Date = Date()) -> Bool { table.value(for: mac, at: now) != nil }
}
