import Foundation
import GRDB
import HotspotPayCore
import Store
import TestSupport
import Testing

/// v18 lets unlock jobs wait for the router's confirmation: the table is rebuilt for its new CHECK,
/// and every job and index of the release before must survive it.
@Suite struct UnlockConfirmationMigrationTests {
    @Test func theConfirmationMigrationKeepsEveryUnlockJobAndItsIndexes() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("v17.sqlite").path
        try SQLiteStore.migrate(path: path, upTo: "v17-receipts-and-give-aways")
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            for (index, status) in ["queued", "sent", "acked", "nak", "failed"].enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO unlock_jobs (id, router_id, mac, action, status, attempts, next_attempt_at,
                            created_at, updated_at)
                        VALUES (?, 'cafe', ?, 'disconnect', ?, 1, 0, 0, 0)
                        """, arguments: ["j\(index)", "02:00:00:00:00:0\(index)", status])
            }
            // The release before refuses the new states.
            #expect(throws: (any Error).self) {
                try db.execute(sql: "UPDATE unlock_jobs SET status = 'confirming' WHERE id = 'j1'")
            }
        }
        let indexesBefore = try await queue.read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'unlock_jobs'")
        }
        try queue.close()

        let store = try SQLiteStore(
            path: path, cipher: SecretCipher(key: try SecretKey(bytes: Array(repeating: 5, count: 32))))
        _ = store
        let after = try DatabaseQueue(path: path)
        try await after.write { db in
            let statuses = try String.fetchAll(db, sql: "SELECT status FROM unlock_jobs ORDER BY id")
            #expect(statuses == ["queued", "sent", "acked", "nak", "failed"])
            try db.execute(sql: "UPDATE unlock_jobs SET status = 'confirming' WHERE id = 'j1'")
            try db.execute(sql: "UPDATE unlock_jobs SET status = 'unconfirmed' WHERE id = 'j0'")
            #expect(throws: (any Error).self) {
                try db.execute(sql: "UPDATE unlock_jobs SET status = 'online' WHERE id = 'j2'")
            }
            let indexes = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'unlock_jobs'")
            #expect(Set(indexes) == Set(indexesBefore) && indexes.contains("unlock_jobs_status_next"), "\(indexes)")
        }
    }
}
