import Foundation
import HotspotPayCore
import Synchronization

/// The devices this node's portal showed its plans to recently (and so its code for paying at the
/// counter). A cash sale to a device the venue has never seen is most likely a mistyped code or
/// MAC: the cashier is asked to confirm it. In memory, a fixed table with one slot per MAC hash
/// (like ``RecentLogins``), so a flood of made-up MACs costs nothing but may push a real one out;
/// the sale then only asks for the confirmation.
public final class SeenDevices: Sendable {
    private struct Entry {
        var mac: UInt64
        var at: Date
    }

    private let slots: Mutex<[Entry?]>
    private let mask: Int
    /// How long a visit counts.
    public let keepSeconds: Double

    /// `capacity` is rounded up to a power of two.
    public init(capacity: Int = 65_536, keepSeconds: Double = 86_400) {
        var size = 1
        while size < capacity { size <<= 1 }
        slots = Mutex(Array(repeating: nil, count: size))
        mask = size - 1
        self.keepSeconds = keepSeconds
    }

    private func slot(_ mac: MACAddress) -> Int {
        Int(truncatingIfNeeded: (mac.value &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    /// The portal showed `mac` its plans at `now`.
    public func note(_ mac: MACAddress, at now: Date = Date()) {
        let index = slot(mac)
        slots.withLock { $0[index] = Entry(mac: mac.value, at: now) }
    }

    /// Whether `mac` was noted within ``keepSeconds`` before `now`.
    public func contains(_ mac: MACAddress, now: Date = Date()) -> Bool {
        let index = slot(mac)
        return slots.withLock { slots in
            guard let entry = slots[index], entry.mac == mac.value else { return false }
            return now.timeIntervalSince(entry.at) < keepSeconds
        }
    }
}
