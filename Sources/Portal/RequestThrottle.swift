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

    private let limit: Limit
    private let windows = Mutex<[String: Window]>([:])
    /// Above this many keys, expired windows are dropped so memory stays bounded.
    private let sweepAbove = 10_000

    public init(_ limit: Limit) { self.limit = limit }

    /// Takes back one attempt counted for `key` in the current window (the attempt created nothing).
    public func release(_ key: String, now: Date = Date()) {
        let time = now.timeIntervalSince1970
        windows.withLock { windows in
            guard var window = windows[key], time - window.start < limit.windowSeconds, window.count > 0 else { return }
            window.count -= 1
            windows[key] = window
        }
    }

    /// Counts an attempt for `key`; returns nil when allowed, or the seconds until the key may try again.
    public func attempt(_ key: String, now: Date = Date()) -> Int? {
        let time = now.timeIntervalSince1970
        return windows.withLock { windows in
            if windows.count > sweepAbove {
                windows = windows.filter { time - $0.value.start < limit.windowSeconds }
            }
            var window = windows[key] ?? Window(start: time, count: 0)
            if time - window.start >= limit.windowSeconds { window = Window(start: time, count: 0) }
            guard window.count < limit.attempts else {
                return max(1, Int((window.start + limit.windowSeconds - time).rounded(.up)))
            }
            window.count += 1
            windows[key] = window
            return nil
        }
    }
}
