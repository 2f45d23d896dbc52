import Logging
import PostgresNIO

/// The statements of one unit of work on one connection (inside a transaction for writes), with
/// the few shapes the store needs: all rows, one row, a count of rows a `RETURNING` statement
/// touched (PostgresNIO does not surface the command tag), and plain execution.
struct PostgresQueries {
    let connection: PostgresConnection
    let logger: Logger

    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await connection.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    func row(_ query: PostgresQuery) async throws -> PostgresRandomAccessRow? {
        try await rows(query).first
    }

    /// The first column of the first row, or nil when there is none.
    func scalar<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> T? {
        guard let row = try await row(query), row.count > 0 else { return nil }
        return try row[0].decode(T.self)
    }

    /// Runs a statement that ends in `RETURNING …` and says how many rows it touched.
    @discardableResult
    func changed(_ query: PostgresQuery) async throws -> Int { try await rows(query).count }

    func execute(_ query: PostgresQuery) async throws {
        _ = try await connection.query(query, logger: logger).collect()
    }
}
