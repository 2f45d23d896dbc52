import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

/// The daemon and a command (or two daemons) opening a new database at the same moment: each
/// migration is applied once and every opener gets a working store.
@Suite struct MigrationLockTests {
    @Test func storesOpeningANewDatabaseAtOnceMigrateItOnce() async throws {
        for round in 0..<3 {
            let directory = try Fixtures.temporaryDirectory("\(#function)-\(round)")
            let path = directory.appendingPathComponent("race.sqlite").path
            let cipher = SecretCipher(key: try SecretKey(bytes: Array(repeating: 5, count: 32)))
            let opened = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        await Task.detached {
                            do {
                                let store = try SQLiteStore(path: path, cipher: cipher)
                                _ = try await store.addPlanIfMissing(Fixtures.plan(), actor: "test")
                                return nil
                            } catch { return "\(error)" }
                        }.value
                    }
                }
                return await group.reduce(into: [String]()) { if let failure = $1 { $0.append(failure) } }
            }
            #expect(opened.isEmpty, "round \(round): \(opened)")
            let status = try SQLiteStore(path: path, cipher: cipher).migrationStatus()
            #expect(status.allSatisfy { $0.applied })
        }
    }
}
