import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

/// Attempt counts in the database: nodes sharing it count one limit together, even when they
/// count at the same moment.
@Suite struct ThrottleStoreTests {
    @Test(arguments: StoreBackend.allCases)
    func aKeyGetsItsAttemptsPerWindowThenWaitsAndAReleaseGivesOneBack(_ backend: StoreBackend) async throws {
        let store = try await BackendHarness(backend).store
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for _ in 0..<3 {
            #expect(try await store.countAttempt(key: "a", limit: 3, windowSeconds: 60, at: start) == nil)
        }
        #expect(
            try await store.countAttempt(key: "a", limit: 3, windowSeconds: 60, at: start.addingTimeInterval(20)) == 40)
        #expect(try await store.countAttempt(key: "b", limit: 3, windowSeconds: 60, at: start) == nil)
        // The next window starts again.
        let later = start.addingTimeInterval(61)
        #expect(try await store.countAttempt(key: "a", limit: 3, windowSeconds: 60, at: later) == nil)
        try await store.releaseAttempt(key: "a", windowSeconds: 60, at: later)
        for _ in 0..<3 {
            #expect(try await store.countAttempt(key: "a", limit: 3, windowSeconds: 60, at: later) == nil)
        }
        #expect(try await store.countAttempt(key: "a", limit: 3, windowSeconds: 60, at: later) != nil)
        #expect(try await store.purgeThrottleWindows(before: later) == 1, "b's window")
    }

    @Test(arguments: StoreBackend.allCases)
    func twoNodesCountingAtOnceAllowExactlyTheLimit(_ backend: StoreBackend) async throws {
        let harness = try await BackendHarness(backend)
        let other = try harness.node()
        let now = Date()
        let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<40 {
                let store = index.isMultiple(of: 2) ? harness.store : other
                group.addTask {
                    try await store.countAttempt(
                        key: "checkout-address:203.0.113.1", limit: 10, windowSeconds: 600, at: now)
                        == nil
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(allowed == 10)
    }
}
