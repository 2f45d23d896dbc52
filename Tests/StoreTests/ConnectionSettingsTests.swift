import Foundation
import GRDB
import TestSupport
import Testing

@testable import Store

/// Settings every connection of the store's pool gets, each for a measured reason.
@Suite struct ConnectionSettingsTests {
    @Test func savepointUndoPagesStayInMemoryOnEveryConnection() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let store = try SQLiteStore(path: directory.appendingPathComponent("settings.sqlite").path, cipher: nil)
        // 2 = MEMORY: group commit's per-write savepoints would otherwise spill to a temp file.
        #expect(try await store.pool.read { try Int.fetchOne($0, sql: "PRAGMA temp_store") } == 2)
        #expect(try await store.pool.write { try Int.fetchOne($0, sql: "PRAGMA temp_store") } == 2)
        #expect(try await store.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
    }
}
