import Foundation
import HotspotPayCore
import Store
import Synchronization

/// The routers as the guest pages need them (id, identity, strategy), from the daemon's
/// ``RouterSnapshot``: a landing never reads the database for them.
final class RouterIndex: Sendable {
    struct Entry: Sendable, Hashable {
        var id: String
        var nasIdentifier: String
        var strategy: UnlockStrategy
        var hotspotAddress: String?
        /// Where its RADIUS requests come from (the sandbox is offered only at a loopback router).
        var address: IPAddress

        /// Whether `login` is this router's own login page (see ``Router/serves(_:)``).
        func serves(_ login: HotspotLogin) -> Bool { login.isServed(by: hotspotAddress) }
    }

    private let snapshot: RouterSnapshot

    init(snapshot: RouterSnapshot) { self.snapshot = snapshot }

    func entries() throws -> [Entry] {
        try snapshot.all().map {
            Entry(
                id: $0.id, nasIdentifier: $0.nasIdentifier, strategy: $0.strategy, hotspotAddress: $0.hotspotAddress,
                address: $0.address)
        }
    }

    /// The router `given` names (its id, or its identity as `login.html` sends `$(identity)`);
    /// with no name, the only router when there is just one.
    func resolve(_ given: String?) throws -> Entry? {
        let entries = try entries()
        guard let given else { return entries.count == 1 ? entries[0] : nil }
        return entries.first { $0.id == given }
            ?? entries.first { $0.nasIdentifier.caseInsensitiveCompare(given) == .orderedSame }
    }
}
