import Foundation
import Store
import Synchronization

/// Where a limit's attempts are counted: this node's memory (``RequestThrottle``, one node), or
/// the database every node shares (``SharedAttemptCounter``, several nodes on PostgreSQL).
public protocol AttemptCounter: Sendable {
    /// Counts an attempt for `key`; nil when allowed, or the seconds until `key` may try again.
    func count(_ key: String, now: Date) async -> Int?
    /// Takes back one attempt counted for `key` (it created nothing).
    func giveBack(_ key: String, now: Date) async
}

extension RequestThrottle: AttemptCounter {
    public func count(_ key: String, now: Date) async -> Int? { attempt(key, now: now) }
    public func giveBack(_ key: String, now: Date) async { release(key, now: now) }
}

/// A limit counted in the database (``ThrottleStore``), so that nodes behind one proxy share it.
/// When the database cannot count, the attempt is let through: what it would create needs the
/// database too, and fails there with a 503 of its own. Old windows are dropped once a minute.
public final class SharedAttemptCounter: AttemptCounter {
    let store: any ThrottleStore
    let limit: RequestThrottle.Limit
    let prefix: String
    private let lastPurge = Mutex(Date.distantPast)

    public init(store: any ThrottleStore, limit: RequestThrottle.Limit, prefix: String) {
        self.store = store
        self.limit = limit
        self.prefix = prefix
    }

    public func count(_ key: String, now: Date) async -> Int? {
        let purge = lastPurge.withLock { last in
            guard now.timeIntervalSince(last) >= 60 else { return false }
            last = now
            return true
        }
        if purge { _ = try? await store.purgeThrottleWindows(before: now.addingTimeInterval(-limit.windowSeconds)) }
        do {
            return try await store.countAttempt(
                key: prefix + key, limit: limit.attempts, windowSeconds: limit.windowSeconds, at: now)
        } catch {
            return nil
        }
    }

    public func giveBack(_ key: String, now: Date) async {
        try? await store.releaseAttempt(key: prefix + key, windowSeconds: limit.windowSeconds, at: now)
    }
}
