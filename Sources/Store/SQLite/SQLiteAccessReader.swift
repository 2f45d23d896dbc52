import Foundation
import GRDBSQLite
import HotspotPayCore
import Synchronization

/// The Access-Request read (a device's active grant) on plain SQLite connections of its own.
///
/// Why not GRDB's pool like every other read: the read itself takes a few microseconds, and
/// GRDB wraps it in a dispatch-queue hop, a pool checkout and a schema-version query per call,
/// which together cost several times the read (BENCHMARKS.md, RADIUS). Here each connection has
/// its statement prepared once, reads through a memory map, and is handed to one caller at a
/// time from a small free list, so concurrent event loops never share a connection.
final class SQLiteAccessReader: Sendable {
    private let path: String
    private let idle = Mutex<[Connection]>([])

    init(path: String) {
        self.path = path
    }

    /// The device's active grant without its transaction list, or nil.
    func activeGrant(mac: MACAddress) throws(StoreError) -> Grant? {
        let connection = try checkOut()
        defer { idle.withLock { $0.append(connection) } }
        return try connection.activeGrant(mac: mac)
    }

    private func checkOut() throws(StoreError) -> Connection {
        if let connection = idle.withLock({ $0.popLast() }) { return connection }
        return try Connection(path: path)
    }

    /// One read-only connection and its prepared statement; used by one thread at a time.
    private final class Connection: @unchecked Sendable {
        private let path: String
        private let db: OpaquePointer
        private let statement: OpaquePointer

        static let sql = """
            SELECT id, starts_at, valid_until, download_bps, upload_bps, data_remaining_bytes, created_at, updated_at
            FROM grants WHERE mac = ?1 AND status = 'active'
            """

        init(path: String) throws(StoreError) {
            self.path = path
            var handle: OpaquePointer?
            // NOMUTEX: the free list already gives each connection to one thread at a time.
            let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
            guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let handle else {
                let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
                sqlite3_close_v2(handle)
                throw .unavailable(path: path, reason: reason)
            }
            // query_only: this connection can never write, whatever a future caller does;
            // mmap: pages come from the page cache without a read() per transaction.
            for pragma in ["PRAGMA query_only = 1", "PRAGMA mmap_size = 268435456", "PRAGMA busy_timeout = 10000"] {
                guard sqlite3_exec(handle, pragma, nil, nil, nil) == SQLITE_OK else {
                    let reason = String(cString: sqlite3_errmsg(handle))
                    sqlite3_close_v2(handle)
                    throw .unavailable(path: path, reason: "\(pragma): \(reason)")
                }
            }
            var prepared: OpaquePointer?
            let flagsPersistent = UInt32(SQLITE_PREPARE_PERSISTENT)
            guard sqlite3_prepare_v3(handle, Self.sql, -1, flagsPersistent, &prepared, nil) == SQLITE_OK,
                let prepared
            else {
                let reason = String(cString: sqlite3_errmsg(handle))
                sqlite3_close_v2(handle)
                throw .unavailable(path: path, reason: "preparing the access lookup: \(reason)")
            }
            db = handle
            statement = prepared
        }

        deinit {
            sqlite3_finalize(statement)
            sqlite3_close_v2(db)
        }

        func activeGrant(mac: MACAddress) throws(StoreError) -> Grant? {
            defer {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            }
            let text = mac.description
            let bound = text.utf8CString.withUnsafeBufferPointer { characters in
                // SQLITE_TRANSIENT: SQLite copies the 17 bytes, so the buffer may go away.
                sqlite3_bind_text(
                    statement, 1, characters.baseAddress, Int32(characters.count - 1),
                    unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            }
            guard bound == SQLITE_OK else { throw failure("binding the MAC") }
            switch sqlite3_step(statement) {
            case SQLITE_DONE:
                return nil
            case SQLITE_ROW:
                guard let id = sqlite3_column_text(statement, 0) else {
                    throw .corruptRow(entity: "grant", id: "?", field: "id", problem: "NULL")
                }
                return Grant(
                    id: String(cString: id), mac: mac, status: .active,
                    startsAt: date(column: 1), validUntil: date(column: 2),
                    rateLimit: rateLimit(), dataRemainingBytes: optionalInteger(column: 5), transactionIDs: [],
                    createdAt: date(column: 6), updatedAt: date(column: 7))
            default:
                throw failure("reading the grant")
            }
        }

        private func date(column: Int32) -> Date {
            Date(epochMilliseconds: sqlite3_column_int64(statement, column))
        }

        private func optionalInteger(column: Int32) -> Int64? {
            sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
        }

        private func rateLimit() -> RateLimit? {
            guard let down = optionalInteger(column: 3), let up = optionalInteger(column: 4) else { return nil }
            return RateLimit(downloadBitsPerSecond: down, uploadBitsPerSecond: up)
        }

        private func failure(_ doing: String) -> StoreError {
            .unavailable(path: path, reason: "\(doing): \(String(cString: sqlite3_errmsg(db)))")
        }
    }
}
