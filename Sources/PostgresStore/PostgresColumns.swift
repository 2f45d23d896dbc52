import PostgresNIO
import Store

/// A PostgreSQL row read as the domain reads rows (``ColumnReading``); the conversions to domain
/// values are the ones the SQLite store uses (``StoredRows``).
struct PostgresColumns: ColumnReading {
    let row: PostgresRandomAccessRow
    let entity: String
    let id: String

    init(_ row: PostgresRandomAccessRow, entity: String, idColumn: String = "id") {
        self.row = row
        self.entity = entity
        if row.contains(idColumn) {
            let cell = row[idColumn]
            id = (try? cell.decode(String.self)) ?? (try? cell.decode(Int64.self)).map(String.init) ?? "?"
        } else {
            id = "?"
        }
    }

    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard row.contains(column) else {
            throw StoreError.corruptRow(entity: entity, id: id, field: column, problem: "no such column")
        }
        do { return try row[column].decode(T.self) } catch {
            throw StoreError.corruptRow(entity: entity, id: id, field: column, problem: "\(error)")
        }
    }

    func string(_ column: String) throws -> String { try value(column) }
    func optionalString(_ column: String) throws -> String? { try value(column) }
    func int64(_ column: String) throws -> Int64 { try value(column) }
    func optionalInt64(_ column: String) throws -> Int64? { try value(column) }
    func bool(_ column: String) throws -> Bool { try value(column) }
}
