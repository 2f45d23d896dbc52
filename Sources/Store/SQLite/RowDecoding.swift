import Foundation
import GRDB
import HotspotPayCore

extension Date {
    /// Milliseconds since 1970, the store's time column format.
    var epochMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    init(epochMilliseconds: Int64) { self.init(timeIntervalSince1970: Double(epochMilliseconds) / 1000) }
}

/// Turns rows back into domain values; a value that no longer parses becomes
/// ``StoreError/corruptRow(entity:id:field:problem:)`` naming the row and the column.
struct RowReader {
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

    func date(_ column: String) throws -> Date { Date(epochMilliseconds: try value(column)) }

    func optionalDate(_ column: String) throws -> Date? {
        (try value(column, as: Int64?.self)).map(Date.init(epochMilliseconds:))
    }

    /// Parses a text column with a domain parser.
    func parsed<T>(_ column: String, _ parse: (String) throws -> T) throws -> T {
        let text: String = try value(column)
        do { return try parse(text) } catch {
            throw StoreError.corruptRow(entity: entity, id: id, field: column, problem: "\(error)")
        }
    }

    func optionalParsed<T>(_ column: String, _ parse: (String) throws -> T) throws -> T? {
        guard let text = try value(column, as: String?.self) else { return nil }
        do { return try parse(text) } catch {
            throw StoreError.corruptRow(entity: entity, id: id, field: column, problem: "\(error)")
        }
    }

    func rateLimit() throws -> RateLimit? {
        guard let down = try value("download_bps", as: Int64?.self), let up = try value("upload_bps", as: Int64?.self)
        else { return nil }
        return RateLimit(downloadBitsPerSecond: down, uploadBitsPerSecond: up)
    }

    func attributes(_ column: String) throws -> [RadiusAttribute] {
        try parsed(column) { text in
            let lines = try JSONDecoder().decode([String].self, from: Data(text.utf8))
            return try lines.map { line in try RadiusAttribute(parsing: line) }
        }
    }
}

extension [RadiusAttribute] {
    /// Stored as a JSON array of `Name = value` lines, the same text operators write.
    var storedJSON: String {
        let data = (try? JSONEncoder().encode(map(\.description))) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
