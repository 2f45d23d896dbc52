import HotspotPayCore
import Logging
import NIOSSL
import PostgresNIO
import Store

/// The store on PostgreSQL, for several daemons on one database (docs/ARCHITECTURE.md, "Several
/// nodes"). Being built: it connects and keeps the schema up to date; the store protocols follow.
public final class PostgresStore: Sendable {
    public let url: PostgresURL
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>

    /// Connects lazily (the first query opens the pool's first connection).
    public init(url: PostgresURL, password: String?, logger: Logger) {
        self.url = url
        self.logger = logger
        let client = PostgresClient(
            configuration: .init(
                host: url.host, port: url.port, username: url.user, password: password, database: url.database,
                tls: url.requireTLS ? .require(.makeClientConfiguration()) : .disable),
            backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
    }

    /// Stops the pool; the store is unusable afterwards.
    public func close() { runner.cancel() }

    deinit { runner.cancel() }

    /// Applies the migrations this database lacks, in one transaction under an advisory lock: nodes
    /// starting together wait for each other and each step is applied once; a step that fails
    /// leaves the schema as it was (PostgreSQL's DDL is transactional). Returns those applied now.
    @discardableResult
    public func migrate() async throws(StoreError) -> [String] {
        let logger = self.logger
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.lockKey))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                    """, logger: logger)
                var applied: Set<String> = []
                for try await name in try await connection.query("SELECT name FROM schema_migrations", logger: logger)
                    .decode(String.self)
                {
                    applied.insert(name)
                }
                var now: [String] = []
                for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (name) VALUES (\(migration.name))", logger: logger)
                    now.append(migration.name)
                }
                return now
            }
        } catch {
            throw .unavailable(path: url.description, reason: Self.describe(error))
        }
    }

    /// Names of all migrations and whether each has been applied.
    public func migrationStatus() async throws(StoreError) -> [(name: String, applied: Bool)] {
        let applied = Set(try await strings("SELECT name FROM schema_migrations"))
        return PostgresSchema.migrations.map { ($0.name, applied.contains($0.name)) }
    }

    /// Every table's columns (for keeping this schema in step with SQLite's).
    public func tableColumns() async throws(StoreError) -> [String: Set<String>] {
        var tables: [String: Set<String>] = [:]
        let rows = try await pairs(
            """
            SELECT table_name::text, column_name::text FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
            """)
        for (table, column) in rows { tables[table, default: []].insert(column) }
        return tables
    }

    func strings(_ sql: String) async throws(StoreError) -> [String] {
        do {
            var values: [String] = []
            for try await value in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                .decode(String.self)
            {
                values.append(value)
            }
            return values
        } catch { throw .unavailable(path: url.description, reason: Self.describe(error)) }
    }

    func pairs(_ sql: String) async throws(StoreError) -> [(String, String)] {
        do {
            var values: [(String, String)] = []
            for try await value in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                .decode((String, String).self)
            {
                values.append(value)
            }
            return values
        } catch { throw .unavailable(path: url.description, reason: Self.describe(error)) }
    }

    /// PostgreSQL's own message when there is one (PSQLError's description hides it on purpose).
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            return "\(error.code)"
        }
        return "\(error)"
    }
}
