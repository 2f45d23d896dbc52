import Foundation
import HotspotPayCore
import Synchronization

/// How this node's RADIUS server let paid devices in on `login` routers (browser password or
/// MAC-auth retry), remembered for a few minutes so the Accounting-Start that follows can tell the
/// unlock job which path brought the device online. In memory only: the Access-Request path never
/// writes to the database. A fixed table with one slot per MAC hash, so it costs the same
/// whatever the flood: a note overwrites its slot, a lost note only leaves the path unknown.
public final class RecentLogins: Sendable {
    private struct Login {
        var routerID: String
        var path: UnlockPath
    }

    private let table: MACSlotTable<Login>

    /// `capacity` is rounded up to a power of two.
    public init(capacity: Int = 16_384, keepSeconds: Double = 300) {
        table = MACSlotTable(capacity: capacity, keepSeconds: keepSeconds)
    }

    func note(_ path: UnlockPath, routerID: String, mac: MACAddress, at now: Date) {
        table.note(Login(routerID: routerID, path: path), for: mac, at: now)
    }

    /// The path of the device's latest accepted login on the router, if recent; forgotten once read.
    func take(routerID: String, mac: MACAddress, at now: Date) -> UnlockPath? {
        table.value(for: mac, at: now, forget: true) { $0.routerID == routerID }?.path
    }
}
