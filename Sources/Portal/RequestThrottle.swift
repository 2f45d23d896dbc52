import Foundation
import Synchronization

/// Counts attempts per key in fixed windows and refuses them past a limit: the checkout's
/// protection against a device (or a script) creating transactions in a loop. In memory, per
/// node: losing counts on restart is harmless.
public final class RequestThrottle: Sendable {
    /// How many attempts a key gets per window.
    public struct Limit: Sendable, Hashable {
        public var attempts: Int
        public var windowSeconds: Double

        public init(attempts: Int, windowSeconds: Double) {
            self.attempts = attempts
            self.windowSeconds = windowSeconds
        }
    }

    private struct Window {
        var start: Double
        var count: Int
    }

    /// Keys live in two generations: attempts land in `current`; a key found only in `previous`
    /// moves up. When a window has passed since `current` began, or it holds `capacity` keys (a
    /// flood of made-up keys), `current` becomes `previous` and the old `previous` goes: every
    /// attempt is O(1) (no scan, as before, when past 10,000 keys every attempt filtered them all),
    /// and memory stays at two generations. A key dropped that way had seen no attempt for a whole
    /// generation, or the flood outnumbered `capacity` keys in it.
    private struct Generations {
        var current: [String: Window] = [:]
        var previous: [String: Window] = [:]
        var currentStart: Double = 0

        mutating func rotate(at time: Double) {
            previous = current
            current = [:]
            currentStart = time
        }
    }

    private let limit: Limit
    private let generations = Mutex(Generations())
    /// The most keys one generation holds.
    public let capacity: Int

    public convenience init(_ limit: Limit) { self.init(limit, capacity: 50_000) }

    public init(_ limit: Limit, capacity: Int) {
        self.limit = limit
        self.capacity = capacity
    }

    /// How many keys are held (both generations), for tests of the bound.
    public var keysHeld: Int { generations.withLock { $0.current.count + $0.previous.count } }

    /// Takes back one attempt counted for `key` in the current window (the attempt created nothing).
    public func release(_ key: String, now: Date = Date()) {
        let time = now.timeIntervalSince1970
        generations.withLock { held in
            guard var window = held.current[key] ?? held.previous[key], time - window.start < limit.windowSeconds,
                window.count > 0
            else { return }
            window.count -= 1
            held.current[key] = window
        }
    }

    /// Counts an attempt for `key`; returns nil when allowed, or the seconds until the key may try again.
    public func attempt(_ key: String, now: Date = Date()) -> Int? {
        let time = now.timeIntervalSince1970
        return generations.withLock { held in
            if time - held.currentStart >= limit.windowSeconds || held.current.count >= capacity {
                held.rotate(at: time)
            }
            var window = held.current[key] ?? held.previous[key] ?? Window(start: time, count: 0)
            if time - window.start >= limit.windowSeconds { window = Window(start: time, count: 0) }
            guard window.count < limit.attempts else {
                held.current[key] = window
                return max(1, Int((window.start + limit.windowSeconds - time).rounded(.up)))
            }
            window.count += 1
            held.current[key] = window
            return nil
        }
    }
}
