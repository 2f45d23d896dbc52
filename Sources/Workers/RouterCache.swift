import Foundation
import HotspotPayCore
import Store
import Synchronization

/// Routers by id for the unlock worker, read again at most every few seconds: reading a router
/// opens its sealed secret, which per CoA would cost more than the CoA itself.
final class RouterCache: Sendable {
    private let store: any RouterStore
    private let clock: @Sendable () -> Date
    private let refreshSeconds: Double
    private let cache = Mutex<(at: Date, routers: [String: Router])?>(nil)

    init(store: any RouterStore, clock: @escaping @Sendable () -> Date, refreshSeconds: Double = 5) {
        self.store = store
        self.clock = clock
        self.refreshSeconds = refreshSeconds
    }

    func router(id: String) async throws -> Router? {
        let now = clock()
        if let cached = cache.withLock({ $0 }), now.timeIntervalSince(cached.at) < refreshSeconds,
            let router = cached.routers[id]
        {
            return router
        }
        // A miss always reads: a router added a moment ago must not wait for the refresh.
        let routers = Dictionary(try await store.routers().map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        cache.withLock { $0 = (now, routers) }
        return routers[id]
    }
}
