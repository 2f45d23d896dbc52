import HotspotPayCore
import PostgresStore
import Store

/// The store a command or the daemon runs on, whichever database the config names: a SQLite file
/// (one box) or PostgreSQL (several nodes). What only one of them can do (SQLite's online backup
/// and integrity check) is asked of it by name.
protocol DaemonStore: HotspotStore {
    /// Where the data is, for messages: the file, or the URL (never with a password).
    var location: String { get }
    /// Fails, saying what to do, unless every sealed secret opens with the key given.
    func checkSecretKey() async throws
    /// Applies the migrations the database lacks; returns those applied now.
    func applyMigrations() async throws -> [String]
    func migrations() async throws -> [(name: String, applied: Bool)]
    func resealSecrets(with newKey: SecretKey, actor: String) async throws(StoreError) -> Int
    func sealedKeyIDs() async throws(StoreError) -> [String: Int]
}

extension SQLiteStore: DaemonStore {
    var location: String { path }
    func applyMigrations() async throws -> [String] { try migrate() }
    func migrations() async throws -> [(name: String, applied: Bool)] { try migrationStatus() }
}

extension PostgresStore: DaemonStore {
    var location: String { url.description }
    func applyMigrations() async throws -> [String] { try await migrate() }
    func migrations() async throws -> [(name: String, applied: Bool)] { try await migrationStatus() }
}
