import Foundation
import HotspotPayCore
import Synchronization

/// How this node's RADIUS server let paid devices in on `login` routers (browser password or
/// MAC-auth retry), remembered for a few minutes so the Accounting-Start that follows can tell the
/// unlock job which path brought the device online. In memory only: the Access-Request path never
/// writes to the database. A fixed table with one slot per MAC hash, so it costs the same
/// whatever the flood: a note overwrites its slot, a lost note only leaves the path unknown.
public final class RecentLogins: Sendable {
    private struct Entry {
        var mac: UInt64
        var routerID: String
        var path: UnlockPath
        var at: Date
    }

    private let slots: Mutex<[Entry?]>
    private let mask: Int
    private let keepSeconds: Double

    /// `capacity` is rounded up to a power of two.
    public init(capacity: Int = 16_384, keepSeconds: Double = 300) {
        var size = 1
        while size < capacity { size <<= 1 }
        slots = Mutex(Array(repeating: nil, count: size))
        mask = size - 1
        self.keepSeconds = keepSeconds
    }

    private func slot(_ mac: MACAddress) -> Int {
        // Fibonacci hashing spreads sequential MACs (one vendor's range) over the table.
        Int(truncatingIfNeeded: (mac.value &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    func note(_ path: UnlockPath, routerID: String, mac: MACAddress, at now: Date) {
        let index = slot(mac)
        slots.withLock { $0[index] = Entry(mac: mac.value, routerID: routerID, path: path, at: now) }
    }

    /// The path of the device's latest accepted login on the router, if recent; forgotten once read.
    func take(routerID: String, mac: MACAddress, at now: Date) -> UnlockPath? {
        let index = slot(mac)
        return slots.withLock { slots -> UnlockPath? in
            guard let entry = slots[index], entry.mac == mac.value, entry.routerID == routerID,
                now.timeIntervalSince(entry.at) <= keepSeconds
            else { return nil }
            slots[index] = nil
            return entry.path
        }
    }
}
