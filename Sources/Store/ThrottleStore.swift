import HotspotPayCore

import struct Foundation.Date

/// Attempt counts kept in the database, so that several nodes count one limit together (a
/// script spreading its requests over the nodes gets no more than it would from one). Fixed
/// windows per key, as ``RequestThrottle`` counts in memory on a single node.
public protocol ThrottleStore: Sendable {
    /// Counts an attempt for `key` in its current window (a window older than `windowSeconds`
    /// starts again); nil when the count is within `limit`, else the seconds until the window
    /// ends. One statement, so attempts on several nodes at once are all counted.
    func countAttempt(key: String, limit: Int, windowSeconds: Double, at: Date) async throws(StoreError) -> Int?
    /// Takes back one attempt counted in the current window (the attempt created nothing).
    func releaseAttempt(key: String, windowSeconds: Double, at: Date) async throws(StoreError)
    /// Drops windows that started before `before`.
    func purgeThrottleWindows(before: Date) async throws(StoreError) -> Int
}

/// The two statements both backends run (SQLite and PostgreSQL read them alike: upsert with
/// `excluded`, `RETURNING`).
public enum ThrottleSQL {
    /// Parameters: key, now, window start limit (now − window), in epoch milliseconds.
    public static let count = """
        INSERT INTO throttle_windows (key, window_start, count) VALUES ($1, $2, 1)
        ON CONFLICT (key) DO UPDATE SET
            window_start = CASE WHEN throttle_windows.window_start <= $3 THEN excluded.window_start
                ELSE throttle_windows.window_start END,
            count = CASE WHEN throttle_windows.window_start <= $3 THEN 1 ELSE throttle_windows.count + 1 END
        RETURNING window_start, count
        """

    /// Parameters: key, window start limit.
    public static let release = """
        UPDATE throttle_windows SET count = count - 1 WHERE key = $1 AND count > 0 AND window_start > $2
        """

    /// Seconds to wait for an attempt that made the count `count` in a window that began at
    /// `start`, or nil when it is within the limit.
    public static func wait(count: Int64, start: Int64, limit: Int, windowSeconds: Double, now: Date) -> Int? {
        guard count > Int64(limit) else { return nil }
        let end = Double(start) / 1000 + windowSeconds
        return max(1, Int((end - now.timeIntervalSince1970).rounded(.up)))
    }
}
