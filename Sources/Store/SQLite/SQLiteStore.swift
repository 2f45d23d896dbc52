import Foundation
import GRDB
import HotspotPayCore

/// The store on one SQLite file (system libsqlite3 through GRDB), in WAL mode so the portal
/// reads while payments are written, and so the CLI can work beside a running daemon.
public final class SQLiteStore: Sendable {
    let pool: DatabasePool
    let writer: GroupCommit
    let accessReader: SQLiteAccessReader
    let quickReaders: SQLiteQuickReaders
    let cipher: SecretCipher?
    public let path: String

    /// How hard SQLite pushes each commit to disk.
    public typealias Durability = HotspotPayCore.Durability

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// The database holds login secrets, callback tokens and sealed router secrets: a folder made
    /// for it is 0700 and the file 0600 (SQLite gives its -wal and -shm files the database's mode).
    /// A database left readable by others by an older version is tightened.
    static func preparePrivateFile(_ path: String) throws {
        let files = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !files.fileExists(atPath: directory) {
            try files.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        if !files.fileExists(atPath: path) {
            guard files.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw StoreError.unavailable(path: path, reason: "cannot create the database file")
            }
        }
        for file in [path, path + "-wal", path + "-shm"] {
            guard let mode = (try? files.attributesOfItem(atPath: file))?[.posixPermissions] as? Int, mode & 0o077 != 0
            else { continue }
            try? files.setAttributes([.posixPermissions: mode & 0o700], ofItemAtPath: file)
        }
    }

    /// Pass `cipher` to read and write sealed secrets.
    public init(path: String, cipher: SecretCipher?, durability: Durability = .normal, migrate: Bool = true) throws {
        self.path = path
        self.cipher = cipher
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
            // Group commit gives every write its own savepoint; past 64 KiB SQLite spills the
            // savepoints' undo pages to a temporary file, a disk write per statement under load.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        do {
            // Opening (a new file is switched to WAL) and migrating happen under the migration
            // lock: a second process opening the same new database at that moment waits instead of
            // failing with "database is locked".
            let pool = try MigrationLock.withLock(database: path, when: migrate) {
                try Self.preparePrivateFile(path)
                let pool = try DatabasePool(path: path, configuration: configuration)
                if migrate { try Schema.migrator.migrate(pool) }
                return pool
            }
            self.pool = pool
            writer = GroupCommit(pool: pool)
            accessReader = SQLiteAccessReader(path: path)
            quickReaders = SQLiteQuickReaders(path: path)
        } catch let error as DatabaseError {
            throw StoreError.unavailable(path: path, reason: error.message ?? error.description)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unavailable(path: path, reason: "\(error)")
        }
    }

    /// Applies pending migrations; returns the names of those applied now.
    @discardableResult
    public func migrate() throws -> [String] {
        try MigrationLock.withLock(database: path) {
            let before = try pool.read { try Schema.migrator.appliedMigrations($0) }
            try Schema.migrator.migrate(pool)
            let after = try pool.read { try Schema.migrator.appliedMigrations($0) }
            return after.filter { !before.contains($0) }
        }
    }

    /// Names of all migrations and whether each has been applied.
    public func migrationStatus() throws -> [(name: String, applied: Bool)] {
        let applied = Set(try pool.read { try Schema.migrator.appliedMigrations($0) })
        return Schema.migrator.migrations.map { ($0, applied.contains($0)) }
    }

    /// `EXPLAIN QUERY PLAN` of a statement, one detail line per step (for tests and operators).
    /// Applies the migrations up to and including `target` only (tests of a later migration
    /// start from the schema before it).
    public static func migrate(path: String, upTo target: String) throws {
        try preparePrivateFile(path)
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: target)
    }

    public func queryPlan(_ sql: String, arguments: StatementArguments = StatementArguments()) async throws -> [String]
    {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
    }

    /// Copies the whole database to a new file at `path` with SQLite's online backup API: a
    /// consistent snapshot while the daemon keeps serving (writers wait only between page
    /// batches). Refuses to overwrite an existing file. Returns the copy's integrity check.
    public func backup(to path: String) throws -> String {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError.unavailable(
                path: path, reason: "the file exists; choose a new name (backups never overwrite)")
        }
        // Owner-only from the first byte (sealed secrets, tokens' hashes, every sale): the file
        // is made 0600 before SQLite opens it, whatever the umask, and SQLite's journal follows it.
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError.unavailable(
                path: path, reason: "cannot create the file: \(String(cString: strerror(errno)))")
        }
        fchmod(descriptor, 0o600)
        close(descriptor)
        do {
            let copy = try DatabaseQueue(path: path)
            try pool.backup(to: copy)
            let check = try copy.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
            try copy.close()
            return check
        } catch let error as DatabaseError {
            throw StoreError.unavailable(path: path, reason: error.message ?? error.description)
        }
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() async throws -> String {
        try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    /// A read of a few rows by key, done at once on the calling thread (on a connection of its
    /// own, ``SQLiteQuickReaders``). GRDB's async `read` hands the work to a semaphore queue and
    /// a reader queue and back, several thread switches that cost more than such a read; on the
    /// callback path they added up (see BENCHMARKS.md, checkout). `consistent`: wrap in a read
    /// transaction (more than one statement); a single statement is a consistent snapshot.
    func readNow<T>(consistent: Bool = false, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try quickReaders.read(consistent: consistent, body) } catch {
            throw Self.storeError(error, entity: "read")
        }
    }

    func requireCipher(entity: String, id: String) throws -> SecretCipher {
        guard let cipher else { throw StoreError.secretKeyRequired(entity: entity, id: id) }
        return cipher
    }

    /// Runs a write (group-committed with concurrent ones, see ``GroupCommit``) and turns SQLite
    /// constraint failures into ``StoreError`` values.
    func write<T: Sendable>(entity: String, _ body: @escaping @Sendable (Database) throws -> T)
        async throws(StoreError) -> T
    {
        do { return try await writer.write(body) } catch { throw Self.storeError(error, entity: entity) }
    }

    /// Runs a read on the pool; whatever fails becomes a ``StoreError``.
    func read<T: Sendable>(entity: String, _ body: @escaping @Sendable (Database) throws -> T)
        async throws(StoreError) -> T
    {
        do { return try await pool.read(body) } catch { throw Self.storeError(error, entity: entity) }
    }

    /// Every failure in store terms, so nothing of GRDB's leaves the module: the contract a second
    /// backend implements too.
    static func storeError(_ error: any Error, entity: String) -> StoreError {
        switch error {
        case let error as StoreError: return error
        case let error as ValidationError: return .invalid(error.problems)
        case let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT:
            return constraintError(error, entity: entity)
        case let error as DatabaseError: return .database(entity: entity, reason: error.message ?? error.description)
        default: return .database(entity: entity, reason: "\(error)")
        }
    }

    static func constraintError(_ error: DatabaseError, entity: String) -> StoreError {
        let message = error.message ?? ""
        // "UNIQUE constraint failed: transactions.order_code"
        if message.hasPrefix("UNIQUE constraint failed: ") {
            let field = message.dropFirst("UNIQUE constraint failed: ".count).split(separator: ".").last.map(
                String.init)
            return StoreError.duplicate(entity: entity, field: field ?? "id", value: "")
        }
        return StoreError.corruptRow(entity: entity, id: "", field: "", problem: message)
    }
}
