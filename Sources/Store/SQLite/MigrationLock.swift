import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Serialises schema migrations between processes on one database (the daemon starting while the
/// package's `migrate` or another command runs): GRDB's migrator decides what to apply before its
/// transactions start, so two processes migrating at once both apply the same step and one fails
/// ("duplicate column"). An exclusive `flock` on `<database>-migrate.lock`, a file of its own:
/// opening and closing the database file itself would drop SQLite's POSIX locks of this process.
enum MigrationLock {
    static func withLock<T>(database path: String, when needed: Bool = true, _ body: () throws -> T) throws -> T {
        guard needed else { return try body() }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try SQLiteStore.preparePrivateFile(path)
        }
        let lockPath = path + "-migrate.lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError.unavailable(
                path: lockPath, reason: "cannot open the migration lock: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw StoreError.unavailable(
                    path: lockPath, reason: "cannot take the migration lock: \(String(cString: strerror(errno)))")
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
