import Foundation
import Testing

@testable import Radius

/// RFC 5080 duplicate detection, and that its memory stays bounded by the window.
@Suite struct DuplicateCacheTests {
    static let authenticator = [UInt8](repeating: 7, count: 16)

    static func key(_ index: Int) -> DuplicateCache.Key {
        DuplicateCache.Key(
            address: "10.0.\(index >> 8 & 0xFF).\(index & 0xFF)", port: 1000 + index >> 16, identifier: 1)
    }

    @Test func aRetransmissionGetsTheFirstReplyAndANewAuthenticatorIsANewRequest() {
        let cache = DuplicateCache(window: 30)
        let start = Date()
        let key = Self.key(1)
        guard case .new = cache.begin(key, authenticator: Self.authenticator, now: start) else {
            Issue.record("first copy not new")
            return
        }
        guard case .inFlight = cache.begin(key, authenticator: Self.authenticator, now: start) else {
            Issue.record("second copy while deciding not dropped")
            return
        }
        cache.finish(key, authenticator: Self.authenticator, reply: [2, 1])
        guard case .answered(let reply) = cache.begin(key, authenticator: Self.authenticator, now: start + 29)
        else {
            Issue.record("retransmission not answered from the cache")
            return
        }
        #expect(reply == [2, 1])
        // Same source and identifier, new authenticator: the router's next request.
        guard case .new = cache.begin(key, authenticator: [UInt8](repeating: 8, count: 16), now: start + 29) else {
            Issue.record("a new request was taken for a duplicate")
            return
        }
    }

    @Test func expiredEntriesArePurgedOnceThereAreTooMany() {
        let cache = DuplicateCache(window: 30)
        let start = Date()
        for index in 0...DuplicateCache.purgeAbove {
            _ = cache.begin(Self.key(index), authenticator: Self.authenticator, now: start)
            cache.finish(Self.key(index), authenticator: Self.authenticator, reply: [2])
        }
        #expect(cache.count == DuplicateCache.purgeAbove + 1)
        // Past the window the next request sweeps out everything older.
        let later = start + 31
        _ = cache.begin(Self.key(-1), authenticator: Self.authenticator, now: later)
        #expect(cache.count == 1)
    }
}
