import Foundation
import HotspotPayCore
import Synchronization

/// How this node's RADIUS server let paid devices in on `login` routers (browser password or
/// MAC-auth retry), remembered for a few minutes so the Accounting-Start that follows can tell the
/// unlock job which path brought the device online. In memory only: the Access-Request path
/// never writes to the database. Bounded, so a flood of logins cannot grow it.
public final class RecentLogins: Sendable {
    private struct Key: Hashable {
        var routerID: String
        var mac: MACAddress
    }

    private let entries = Mutex<[Key: (path: UnlockPath, at: Date)]>([:])
    private let capacity: Int
    private let keepSeconds: Double

    public init(capacity: Int = 10_000, keepSeconds: Double = 300) {
        self.capacity = capacity
        self.keepSeconds = keepSeconds
    }

    func note(_ path: UnlockPath, routerID: String, mac: MACAddress, at now: Date) {
        entries.withLock { entries in
            if entries.count >= capacity {
                let cutoff = now.addingTimeInterval(-keepSeconds)
                entries = entries.filter { $0.value.at >= cutoff }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[Key(routerID: routerID, mac: mac)] = (path, now)
        }
    }

    /// The path of the device's latest accepted login on the router, if recent; forgotten once read.
    func take(routerID: String, mac: MACAddress, at now: Date) -> UnlockPath? {
        entries.withLock { entries in
            guard let entry = entries.removeValue(forKey: Key(routerID: routerID, mac: mac)),
                now.timeIntervalSince(entry.at) <= keepSeconds
            else { return nil }
            return entry.path
        }
    }
}
