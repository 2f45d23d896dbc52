import Foundation
import HotspotPayCore
import Store
import Synchronization

/// The routers as the guest pages need them (id, identity, strategy), read at most every few
/// seconds instead of on every landing: reading a router opens its sealed secret.
final class RouterIndex: Sendable {
    struct Entry: Sendable, Hashable {
        var id: String
        var nasIdentifier: String
        var strategy: UnlockStrategy
        var hotspotAddress: String?

        /// Whether `login` is this router's own login page (see ``Router/serves(_:)``).
        func serves(_ login: HotspotLogin) -> Bool { login.isServed(by: hotspotAddress) }
    }

    private let store: any RouterStore
    private let refreshSeconds: Double
    private let cache = Mutex<(at: Date, entries: [Entry])?>(nil)

    init(store: any RouterStore, refreshSeconds: Double = 5) {
        self.store = store
        self.refreshSeconds = refreshSeconds
    }

    func entries(now: Date = Date()) async throws -> [Entry] {
        if let cached = cache.withLock({ $0 }), now.timeIntervalSince(cached.at) < refreshSeconds {
            return cached.entries
        }
        let entries = try await store.routers().map {
            Entry(id: $0.id, nasIdentifier: $0.nasIdentifier, strategy: $0.strategy, hotspotAddress: $0.hotspotAddress)
        }
        cache.withLock { $0 = (now, entries) }
        return entries
    }

    /// The router `given` names (its id, or its identity as `login.html` sends `$(identity)`);
    /// with no name, the only router when there is just one.
    func resolve(_ given: String?) async throws -> Entry? {
        let entries = try await entries()
        guard let given else { return entries.count == 1 ? entries[0] : nil }
        return entries.first { $0.id == given }
            ?? entries.first { $0.nasIdentifier.caseInsensitiveCompare(given) == .orderedSame }
    }
}
