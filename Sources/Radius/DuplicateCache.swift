import Foundation
import Synchronization

/// RFC 5080 duplicate detection: a request with the same source address, port, identifier and
/// authenticator within the window gets the reply sent the first time, not a second decision.
final class DuplicateCache: Sendable {
    struct Key: Hashable, Sendable {
        var address: String
        var port: Int
        var identifier: UInt8
    }

    enum Lookup {
        case new
        case answered([UInt8])
        /// The first copy is still being decided: drop this one; the router will send again.
        case inFlight
    }

    private struct Entry {
        var authenticator: [UInt8]
        var reply: [UInt8]?
        var at: Date
    }

    private let entries = Mutex<(byKey: [Key: Entry], purgedAt: Date)>(([:], .distantPast))
    let window: TimeInterval
    /// Above this many entries, expired ones are dropped (at most once a second: a purge walks
    /// them all, and with that many still inside the window, every insert would walk again).
    static let purgeAbove = 100_000

    init(window: TimeInterval = 30) { self.window = window }

    func begin(_ key: Key, authenticator: [UInt8], now: Date = Date()) -> Lookup {
        entries.withLock { state in
            if let entry = state.byKey[key], entry.authenticator == authenticator,
                now.timeIntervalSince(entry.at) < window
            {
                return entry.reply.map(Lookup.answered) ?? .inFlight
            }
            if state.byKey.count > Self.purgeAbove && now.timeIntervalSince(state.purgedAt) >= 1 {
                state.byKey = state.byKey.filter { now.timeIntervalSince($0.value.at) < window }
                state.purgedAt = now
            }
            state.byKey[key] = Entry(authenticator: authenticator, reply: nil, at: now)
            return .new
        }
    }

    /// Entries kept (answered, in flight, or expired and not yet purged).
    var count: Int { entries.withLock { $0.byKey.count } }

    func finish(_ key: Key, authenticator: [UInt8], reply: [UInt8]?) {
        entries.withLock { state in
            guard state.byKey[key]?.authenticator == authenticator else { return }
            if let reply { state.byKey[key]?.reply = reply } else { state.byKey[key] = nil }
        }
    }
}
