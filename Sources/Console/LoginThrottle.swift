import Foundation
import Synchronization

/// Slows down password guessing without handing a stranger a way to lock an operator out.
///
/// Three counts within the window, each refusing (even the right password, so guessing cannot
/// test it) only what it covers:
/// - one username from one address: after `failuresPerAccountAndAddress` wrong passwords that
///   source waits, and each further failure doubles the wait (one minute, two, four… up to the
///   window). This is the limit a guesser meets; the owner signing in from elsewhere does not.
/// - one address, any usernames: `failuresPerAddress` (one source trying many names).
/// - one username, any addresses: `failuresPerUsername`, a ceiling on guesses spread over many
///   addresses, high enough that a few sources (each held to the first two counts) cannot reach it.
/// In memory: a restart forgiving everyone is harmless next to a yescrypt hash.
public final class LoginThrottle: Sendable {
    public let failuresPerAccountAndAddress: Int
    public let failuresPerAddress: Int
    public let failuresPerUsername: Int
    public let windowSeconds: Double
    /// The first wait once a source has spent its tries on a username; each later failure doubles it.
    public let backoffSeconds: Double
    private let failures = Mutex<[String: [Double]]>([:])

    public init(
        failuresPerAccountAndAddress: Int = 5, failuresPerAddress: Int = 20, failuresPerUsername: Int = 100,
        windowSeconds: Double = 900, backoffSeconds: Double = 60
    ) {
        self.failuresPerAccountAndAddress = failuresPerAccountAndAddress
        self.failuresPerAddress = failuresPerAddress
        self.failuresPerUsername = failuresPerUsername
        self.windowSeconds = windowSeconds
        self.backoffSeconds = backoffSeconds
    }

    /// The keys an attempt counts under, with their limits: pair, address, username.
    func keys(username: String, address: String) -> [(key: String, limit: Int)] {
        [
            ("pair:\(username)|\(address)", failuresPerAccountAndAddress), ("address:" + address, failuresPerAddress),
            ("user:" + username, failuresPerUsername),
        ]
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
            count(username: username, address: address, at: time, in: &failures)
            return nil
        }
    }

    private func count(username: String, address: String, at time: Double, in failures: inout [String: [Double]]) {
        for (key, _) in keys(username: username, address: address) {
            failures[key, default: []] = (failures[key] ?? []).filter { time - $0 < windowSeconds } + [time]
        }
    }

    private func wait(username: String, address: String, at time: Double, in failures: [String: [Double]]) -> Int? {
        let waits = keys(username: username, address: address).enumerated().compactMap {
            index, entry -> Double? in
            let recent = (failures[entry.key] ?? []).filter { time - $0 < windowSeconds }
            guard recent.count >= entry.limit, let oldest = recent.first, let last = recent.last else { return nil }
            guard index == 0 else { return oldest + windowSeconds - time }
            // The pair backs off from its last failure: 1, 2, 4… minutes, at most the window.
            let doublings = Double(min(recent.count - entry.limit, 20))
            let wait = min(windowSeconds, backoffSeconds * pow(2, doublings))
            let until = last + wait
            return until > time ? until - time : nil
        }
        return waits.max().map { max(1, Int($0.rounded(.up))) }
    }

    /// Counts a failure without a reservation (an attempt refused before the password was checked).
    public func recordFailure(username: String, address: String, now: Date = Date()) {
        let time = now.timeIntervalSince1970
        failures.withLock { count(username: username, address: address, at: time, in: &$0) }
    }

    /// A successful sign-in clears the username's counts and takes back the attempt it reserved
    /// for the address (other failures from the address stay).
    public func recordSuccess(username: String, address: String, now: Date = Date()) {
        let time = now.timeIntervalSince1970
        failures.withLock { failures in
            failures.removeValue(forKey: "user:" + username)
            failures.removeValue(forKey: "pair:\(username)|\(address)")
            let key = "address:" + address
            if var times = failures[key], let index = times.lastIndex(where: { $0 <= time }) {
                times.remove(at: index)
                failures[key] = times.isEmpty ? nil : times
            }
        }
    }
}
