import Crypto
import Foundation
import GRDB
import HotspotPayCore
import PostgresNIO
import Store

/// `hotspotpay migrate --to postgres://…`: grows a single box into several nodes by copying its
/// SQLite database, every table including the audit log and the sealed secrets (as they are: the
/// same key opens them), into an empty PostgreSQL database, then reading both back and comparing
/// each table's row count and a SHA-256 over its rows.
public struct DatabaseCopy: Sendable {
    /// One table's outcome.
    public struct Table: Sendable, Hashable {
        public var name: String
        public var rows: Int
        /// SHA-256 (hex) of the table's rows in a canonical text form, sorted.
        public var checksum: String
        public var matches: Bool
    }

    /// Why a copy was refused or failed its check.
    public enum Failure: Error, CustomStringConvertible {
        case targetNotEmpty(table: String, rows: Int)
        case mismatch([Table])

        public var description: String {
            switch self {
            case .targetNotEmpty(let table, let rows):
                "the PostgreSQL database is not empty (\(table) has \(rows) rows): copy into a new database"
            case .mismatch(let tables):
                "the copy differs from the SQLite database in "
                    + tables.map { "\($0.name) (\($0.rows) rows)" }.joined(separator: ", ")
                    + "; the PostgreSQL database should be dropped and the copy run again"
            }
        }
    }

    /// Tables in the order their foreign keys allow (the order of the baseline migration).
    static var tables: [String] {
        PostgresSchema.baseline.compactMap { statement in
            guard let range = statement.range(of: "CREATE TABLE ") else { return nil }
            return String(statement[range.upperBound...].prefix { $0 != " " && $0 != "(" }).replacingOccurrences(
                of: "\"", with: "")
        }
    }

    let sqlitePath: String
    let target: PostgresStore

    public init(sqlitePath: String, target: PostgresStore) {
        self.sqlitePath = sqlitePath
        self.target = target
    }

    /// Copies every table in one PostgreSQL transaction (all or nothing), then verifies.
    /// `progress` is told each table as it is copied.
    public func run(progress: @Sendable (String, Int) -> Void = { _, _ in }) async throws -> [Table] {
        try await target.migrate()
        let types = try await columnTypes()
        for table in Self.tables {
            let rows = try await target.read(entity: "copy") { q in
                try await q.scalar(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), as: Int64.self) ?? 0
            }
            if rows > 0 { throw Failure.targetNotEmpty(table: table, rows: Int(rows)) }
        }
        let source = try DatabaseQueue(path: sqlitePath, configuration: Self.readOnly)
        // Each row as its values in PostgreSQL's column order.
        let sourceRows: [(String, [[DatabaseValue]])] = try await source.read { db in
            try Self.tables.map { table in
                let columns = types[table] ?? []
                return (
                    table,
                    try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map { row in
                        columns.map { row[$0.name] ?? DatabaseValue.null }
                    }
                )
            }
        }
        try await target.write(entity: "copy") { q in
            for (table, rows) in sourceRows {
                guard let columns = types[table], !rows.isEmpty else { continue }
                let names = columns.map(\.name)
                for batch in stride(from: 0, to: rows.count, by: 500) {
                    var binds = PostgresBindings()
                    var tuples: [String] = []
                    for row in rows[batch..<min(batch + 500, rows.count)] {
                        var placeholders: [String] = []
                        for (column, value) in zip(columns, row) {
                            try Self.bind(value, type: column.type, to: &binds)
                            placeholders.append("$\(binds.count)")
                        }
                        tuples.append("(" + placeholders.joined(separator: ", ") + ")")
                    }
                    try await q.execute(
                        PostgresQuery(
                            unsafeSQL:
                                "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES \(tuples.joined(separator: ", "))",
                            binds: binds))
                }
                // Identity columns carry on after the copied values.
                for column in columns where column.identity {
                    try await q.execute(
                        PostgresQuery(
                            unsafeSQL:
                                "SELECT setval(pg_get_serial_sequence('\(table)', '\(column.name)'), (SELECT max(\(column.name)) FROM \(table)))"
                        ))
                }
            }
        }
        for (table, rows) in sourceRows { progress(table, rows.count) }
        return try await verify(sourceRows: sourceRows, types: types)
    }

    struct Column: Sendable {
        var name: String
        var type: String
        var identity: Bool
    }

    /// Each table's columns as PostgreSQL has them (names and types; the SQLite table has the same
    /// names, which `PostgresSchemaTests` checks).
    func columnTypes() async throws -> [String: [Column]] {
        try await target.read(entity: "copy") { q in
            var tables: [String: [Column]] = [:]
            for row in try await q.rows(
                """
                SELECT table_name::text, column_name::text, data_type::text, is_identity::text
                FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
                ORDER BY table_name, ordinal_position
                """)
            {
                let table = try row[0].decode(String.self)
                let name = try row[1].decode(String.self)
                let type = try row[2].decode(String.self)
                let identity = try row[3].decode(String.self)
                tables[table, default: []].append(Column(name: name, type: type, identity: identity == "YES"))
            }
            return tables
        }
    }

    static func bind(_ value: DatabaseValue, type: String, to binds: inout PostgresBindings) throws {
        switch value.storage {
        case .null: binds.appendNull()
        case .int64(let number):
            if type == "boolean" { binds.append(number != 0) } else { binds.append(number) }
        case .double(let number):
            if type == "bigint" { binds.append(Int64(number)) } else { binds.append(String(number)) }
        case .string(let text):
            if type == "bigint", let number = Int64(text) { binds.append(number) } else { binds.append(text) }
        case .blob(let data):
            if type == "bytea" { try binds.append(data) } else { binds.append(String(decoding: data, as: UTF8.self)) }
        }
    }

    /// Reads the copy back and compares it with what was read from SQLite, table by table.
    func verify(sourceRows: [(String, [[DatabaseValue]])], types: [String: [Column]]) async throws -> [Table] {
        var report: [Table] = []
        for (table, rows) in sourceRows {
            guard let columns = types[table] else { continue }
            let expected = Self.checksum(
                rows.map { row in zip(columns, row).map { column, value in Self.text(value, column.type) } })
            let copied = try await target.read(entity: "copy") { q in
                try await q.rows(PostgresQuery(unsafeSQL: "SELECT * FROM \(table)")).map { row in
                    try columns.map { column in try Self.text(row[column.name], column.type) }
                }
            }
            let actual = Self.checksum(copied)
            report.append(
                Table(
                    name: table, rows: rows.count, checksum: actual,
                    matches: copied.count == rows.count && actual == expected))
        }
        let bad = report.filter { !$0.matches }
        if !bad.isEmpty { throw Failure.mismatch(bad) }
        return report
    }

    /// A value as canonical text, the same from either database: NULL, integers (booleans as 0
    /// or 1), text, bytes in hex.
    static func text(_ value: DatabaseValue, _ type: String) -> String {
        switch value.storage {
        case .null: "∅"
        case .int64(let number): String(number)
        case .double(let number): type == "bigint" ? String(Int64(number)) : String(number)
        case .string(let text): text
        case .blob(let data):
            type == "bytea" ? data.map { String(format: "%02x", $0) }.joined() : String(decoding: data, as: UTF8.self)
        }
    }

    static func text(_ cell: PostgresCell, _ type: String) throws -> String {
        if cell.bytes == nil { return "∅" }
        switch type {
        case "boolean": return try cell.decode(Bool.self) ? "1" : "0"
        case "bigint": return String(try cell.decode(Int64.self))
        case "bytea": return try cell.decode(Data.self).map { String(format: "%02x", $0) }.joined()
        default: return try cell.decode(String.self)
        }
    }

    /// SHA-256 over the rows, each a tab-joined line, sorted (the two databases need not agree on
    /// an order).
    static func checksum(_ rows: [[String]]) -> String {
        var hash = SHA256()
        for line in rows.map({ $0.joined(separator: "\t") }).sorted() { hash.update(data: Data((line + "\n").utf8)) }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }
}
