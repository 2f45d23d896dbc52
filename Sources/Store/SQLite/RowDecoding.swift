import Foundation
import GRDB
import HotspotPayCore

/// Turns rows back into domain values; a value that no longer parses becomes
/// ``StoreError/corruptRow(entity:id:field:problem:)`` naming the row and the column.
struct RowReader: ColumnReading {
    let row: Row
    let entity: String
    let id: String

    init(_ row: Row, entity: String, idColumn: String = "id") {
        self.row = row
        self.entity = entity
        let key: DatabaseValue = row[idColumn]
        self.id = String.fromDatabaseValue(key) ?? Int64.fromDatabaseValue(key).map(String.init) ?? "?"
    }

    func value<T: DatabaseValueConvertible>(_ column: String, as type: T.Type = T.self) throws -> T {
        do { return try row.decode(T.self, forColumn: column) } catch {
            throw StoreError.corruptRow(entity: entity, id: id, field: column, problem: "\(error)")
        }
    }

    func string(_ column: String) throws -> String { try value(column) }
    func optionalString(_ column: String) throws -> String? { try value(column) }
    func int64(_ column: String) throws -> Int64 { try value(column) }
    func optionalInt64(_ column: String) throws -> Int64? { try value(column) }
    func bool(_ column: String) throws -> Bool { try value(column) }
}
