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
        failures.withLock { wait(username: username, address: address, at: now.timeIntervalSince1970, in: $0) }
    }

    /// Checks the limits and counts this attempt as a failure in one step, so parallel sign-ins
    /// cannot all pass the check before any of them fails: returns the seconds to wait, or nil
    /// when the attempt may go ahead (then ``recordSuccess(username:address:now:)`` takes it back
    /// if the password was right).
    public func reserve(username: String, address: String, now: Date = Date()) -> Int? {
        let time = now.timeIntervalSince1970
        return failures.withLock { failures in
            if let wait = wait(username: username, address: address, at: time, in: failures) { return wait }
            if failures.count > 10_000 {
                failures = failures.filter { $0.value.contains { time - $0 < windowSeconds } }
            }
            for key in ["user:" + username, "address:" + address] {
                failures[key, default: []] = (failures[key] ?? []).filter { time - $0 < windowSeconds } + [time]
            }
            return nil
        }
    }

    private func wait(username: String, address: String, at time: Double, in failures: [String: [Double]]) -> Int? {
        let waits = [("user:" + username, failuresPerUsername), ("address:" + address, failuresPerAddress)]
            .compactMap { key, limit -> Double? in
                let recent = (failures[key] ?? []).filter { time - $0 < windowSeconds }
                guard recent.count >= limit, let oldest = recent.first else { return nil }
                return oldest + windowSeconds - time
            }
        return waits.max().map { max(1, Int($0.rounded(.up))) }
    }

    /// Counts a failure without a reservation (an attempt refused before the password was checked).
    public func recordFailure(username: String, address: String, now: Date = Date()) {
        let time = now.timeIntervalSince1970
        failures.withLock { failures in
            for key in ["user:" + username, "address:" + address] {
                failures[key, default: []] = (failures[key] ?? []).filter { time - $0 < windowSeconds } + [time]
            }
        }
    }

    /// A successful sign-in clears the username's count and takes back the attempt it reserved
    /// for the address (other failures from the address stay).
    public func recordSuccess(username: String, address: String, now: Date = Date()) {
        let time = now.timeIntervalSince1970
        failures.withLock { failures in
            failures.removeValue(forKey: "user:" + username)
            let key = "address:" + address
            if var times = failures[key], let index = times.lastIndex(where: { $0 <= time }) {
                times.remove(at: index)
                failures[key] = times.isEmpty ? nil : times
            }
        }
    }
}
