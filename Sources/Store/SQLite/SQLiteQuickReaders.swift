import GRDB
import Synchronization

/// Read-only connections for ``SQLiteStore/readNow(consistent:_:)``: each handed to one caller
/// at a time from a free list, a new one opened when all are in use.
///
/// Not GRDB's pool: its synchronous read waits on a semaphore for one of five readers, and
/// the readers taken by async reads are released only when their task resumes on the
/// cooperative pool. Synchronous reads blocking every cooperative thread while async reads
/// wait for one was a deadlock (seen under `wrk`). A connection of its own never waits.
final class SQLiteQuickReaders: Sendable {
    private let path: String
    private let idle = Mutex<[DatabaseQueue]>([])

    init(path: String) {
        self.path = path
    }

    func read<T>(consistent: Bool, _ body: (Database) throws -> T) throws -> T {
        let connection = try idle.withLock({ $0.popLast() }) ?? open()
        defer { idle.withLock { $0.append(connection) } }
        return consistent ? try connection.read(body) : try connection.unsafeRead(body)
    }

    private func open() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "hotspotpay.quick-reader"
        // query_only rather than a read-only open: a read-only connection cannot create the WAL
        // index if it is missing, and this one must never write anyway.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA query_only = 1") }
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}
