import Foundation
import HotspotPayCore

/// One stored row as the domain reads it, whatever the database: both backends implement the five
/// typed reads, and the conversions to domain values (``StoredRows``) are written once on top.
/// A value that does not convert becomes ``StoreError/corruptRow(entity:id:field:problem:)``
/// naming the row and the column.
public protocol ColumnReading {
    /// What the row is ("transaction"), for errors.
    var entity: String { get }
    /// The row's key as text, for errors.
    var id: String { get }
    func string(_ column: String) throws -> String
    func optionalString(_ column: String) throws -> String?
    func int64(_ column: String) throws -> Int64
    func optionalInt64(_ column: String) throws -> Int64?
    func bool(_ column: String) throws -> Bool
}

extension ColumnReading {
    public func int(_ column: String) throws -> Int { Int(try int64(column)) }

    /// Times are stored as milliseconds since 1970 on both backends.
    public func date(_ column: String) throws -> Date { Date(epochMilliseconds: try int64(column)) }

    public func optionalDate(_ column: String) throws -> Date? {
        try optionalInt64(column).map(Date.init(epochMilliseconds:))
    }

    /// Parses a text column with a domain parser.
    public func parsed<T>(_ column: String, _ parse: (String) throws -> T) throws -> T {
        let text = try string(column)
        do { return try parse(text) } catch {
            throw StoreError.corruptRow(entity: entity, id: id, field: column, problem: "\(error)")
        }
    }

    public func optionalParsed<T>(_ column: String, _ parse: (String) throws -> T) throws -> T? {
        guard let text = try optionalString(column) else { return nil }
        do { return try parse(text) } catch {
            throw StoreError.corruptRow(entity: entity, id: id, field: column, problem: "\(error)")
        }
    }

    /// A raw-value enum stored as its text.
    public func enumerated<T: RawRepresentable>(_ column: String, as type: T.Type = T.self) throws -> T
    where T.RawValue == String {
        try parsed(column) { text in
            guard let value = T(rawValue: text) else { throw StoreError.notFound(entity: column, id: text) }
            return value
        }
    }

    func rateLimit() throws -> RateLimit? {
        guard let down = try optionalInt64("download_bps"), let up = try optionalInt64("upload_bps") else { return nil }
        return RateLimit(downloadBitsPerSecond: down, uploadBitsPerSecond: up)
    }

    /// RADIUS attributes stored as a JSON array of `Name = value` lines, the text operators write.
    func attributes(_ column: String) throws -> [RadiusAttribute] {
        try parsed(column) { text in
            let lines = try JSONDecoder().decode([String].self, from: Data(text.utf8))
            return try lines.map { line in try RadiusAttribute(parsing: line) }
        }
    }
}

extension Date {
    /// Milliseconds since 1970, the store's time column format.
    public var epochMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    public init(epochMilliseconds: Int64) { self.init(timeIntervalSince1970: Double(epochMilliseconds) / 1000) }
}

extension [RadiusAttribute] {
    /// Stored as a JSON array of `Name = value` lines, the same text operators write.
    public var storedJSON: String {
        let data = (try? JSONEncoder().encode(map(\.description))) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
