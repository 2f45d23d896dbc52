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

    private let entries = Mutex<[Key: Entry]>([:])
    let window: TimeInterval

    init(window: TimeInterval = 30) { self.window = window }

    func begin(_ key: Key, authenticator: [UInt8], now: Date = Date()) -> Lookup {
        entries.withLock { entries in
            if let entry = entries[key], entry.authenticator == authenticator, now.timeIntervalSince(entry.at) < window
            {
                return entry.reply.map(Lookup.answered) ?? .inFlight
            }
            if entries.count > 100_000 { entries = entries.filter { now.timeIntervalSince($0.value.at) < window } }
            entries[key] = Entry(authenticator: authenticator, reply: nil, at: now)
            return .new
        }
    }

    func finish(_ key: Key, authenticator: [UInt8], reply: [UInt8]?) {
        entries.withLock { entries in
            guard entries[key]?.authenticator == authenticator else { return }
            if let reply { entries[key]?.reply = reply } else { entries[key] = nil }
        }
    }
}
