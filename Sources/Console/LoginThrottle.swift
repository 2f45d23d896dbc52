import Foundation
import Synchronization

/// Slows down password guessing: after `failuresPerUsername` wrong passwords for one username,
/// or `failuresPerAddress` from one address, within the window, sign-in is refused until the
/// window passes (even with the right password, so guessing cannot test it). In memory: a
/// restart forgiving everyone is harmless next to a yescrypt hash.
public final class LoginThrottle: Sendable {
    public let failuresPerUsername: Int
    public let failuresPerAddress: Int
    public let windowSeconds: Double
    private let failures = Mutex<[String: [Double]]>([:])

    public init(failuresPerUsername: Int = 5, failuresPerAddress: Int = 20, windowSeconds: Double = 900) {
        self.failuresPerUsername = failuresPerUsername
        self.failuresPerAddress = failuresPerAddress
        self.windowSeconds = windowSeconds
    }

    /// Seconds until `username` may try again from `address`, or nil when it may try now.
    public func retryAfter(username: String, address: String, now: Date = Date()) -> Int? {
        let time = now.timeIntervalSince1970
        return failures.withLock { failures in
            let waits = [("user:" + username, failuresPerUsername), ("address:" + address, failuresPerAddress)]
                .compactMap { key, limit -> Double? in
                    let recent = (failures[key] ?? []).filter { time - $0 < windowSeconds }
                    guard recent.count >= limit, let oldest = recent.first else { return nil }
                    return oldest + windowSeconds - time
                }
            return waits.max().map { max(1, Int($0.rounded(.up))) }
        }
    }

    public func recordFailure(username: String, address: String, now: Date = Date()) {
        let time = now.timeIntervalSince1970
        failures.withLock { failures in
            if failures.count > 10_000 {
                failures = failures.filter { $0.value.contains { time - $0 < windowSeconds } }
            }
            for key in ["user:" + username, "address:" + address] {
                failures[key, default: []] = (failures[key] ?? []).filter { time - $0 < windowSeconds } + [time]
            }
        }
    }

    /// A successful sign-in clears the username's count (not the address's).
    public func recordSuccess(username: String) {
        _ = failures.withLock { $0.removeValue(forKey: "user:" + username) }
    }
}
