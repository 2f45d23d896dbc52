import Synchronization

/// Requests by outcome (`accept`, `reject`, `accounting`, `duplicate`) and drops by reason
/// (`unknown_client`, `bad_authenticator`, `too_short`, …), for logs, tests and `/metrics`.
public final class RadiusCounters: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    public init() {}

    func add(_ key: String) { counts.withLock { $0[key, default: 0] += 1 } }

    public subscript(key: String) -> Int { counts.withLock { $0[key] ?? 0 } }

    public var snapshot: [String: Int] { counts.withLock { $0 } }
}
