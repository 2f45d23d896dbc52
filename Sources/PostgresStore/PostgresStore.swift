import HotspotPayCore
import Logging
import NIOSSL
import PostgresNIO
import Store

/// The store on PostgreSQL, for several daemons on one database (docs/ARCHITECTURE.md, "Several
/// nodes"). Being built: it keeps the schema up to date and implements the payment path's stores
/// (plans, routers, transactions and payments, grants, unlock jobs, sessions, audit); the other
/// store protocols follow.
///
/// Exactly-once holds as on SQLite, but without SQLite's single writer: a confirmation locks its
/// transaction's row (`FOR UPDATE`) and its device (`pg_advisory_xact_lock` on the MAC), so two
/// nodes confirming one payment, or two payments for one device, take turns; every state change
/// is a conditional update; unique constraints are the last word.
public final class PostgresStore: Sendable {
    public let url: PostgresURL
    let client: PostgresClient
    let logger: Logger
    let cipher: SecretCipher?
    private let runner: Task<Void, Never>

    /// Connects lazily (the first query opens the pool's first connection). Pass `cipher` to read
    /// and write sealed secrets.
    /// `connections`: the most this node opens at once.
    public init(
        url: PostgresURL, password: String?, cipher: SecretCipher? = nil, connections: Int = 20, logger: Logger
    ) {
        self.url = url
        self.logger = logger
        self.cipher = cipher
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: password, database: url.database,
            tls: url.requireTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = max(1, connections)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
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

    /// `EXPLAIN` of a statement, one line per plan node (for tests and operators).
    func queryPlan(_ query: PostgresQuery) async throws(StoreError) -> [String] {
        var explained = query
        explained.sql = "EXPLAIN " + query.sql
        let plan = explained
        return try await read(entity: "query plan") { q in
            try await q.rows(plan).map { try $0[0].decode(String.self) }
        }
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

    /// Runs `body` in one database transaction and commits it; a serialization failure or deadlock
    /// (another node's transaction in the way) runs it again, up to three times. Every failure
    /// leaves as a ``StoreError``.
    func write<T: Sendable>(entity: String, _ body: (PostgresQueries) async throws -> T) async throws(StoreError) -> T {
        let logger = self.logger
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await body(PostgresQueries(connection: connection, logger: logger))
                }
            } catch {
                let failure = Self.underlying(error)
                if attempt < 3, let state = (failure as? PSQLError)?.serverInfo?[.sqlState],
                    state == "40001" || state == "40P01"
                {
                    continue
                }
                throw storeError(failure, entity: entity)
            }
        }
    }

    /// Runs `body` on one pooled connection outside a transaction (each statement its own snapshot).
    func read<T: Sendable>(entity: String, _ body: (PostgresQueries) async throws -> T) async throws(StoreError) -> T {
        let logger = self.logger
        do {
            return try await client.withConnection { connection in
                try await body(PostgresQueries(connection: connection, logger: logger))
            }
        } catch {
            throw storeError(Self.underlying(error), entity: entity)
        }
    }

    func requireCipher(entity: String, id: String) throws(StoreError) -> SecretCipher {
        guard let cipher else { throw StoreError.secretKeyRequired(entity: entity, id: id) }
        return cipher
    }

    /// The error a transaction's body (or its COMMIT) threw, out of PostgresNIO's wrapper.
    static func underlying(_ error: any Error) -> any Error {
        guard let error = error as? PostgresTransactionError else { return error }
        return error.closureError ?? error.commitError ?? error.beginError ?? error
    }

    /// Every failure in store terms, as the SQLite store reports them: a unique violation names the
    /// column, a lost connection says the database is unavailable.
    func storeError(_ error: any Error, entity: String) -> StoreError {
        switch error {
        case let error as StoreError: return error
        case let error as ValidationError: return .invalid(error.problems)
        case let error as PSQLError:
            let info = error.serverInfo
            if info?[.sqlState] == "23505" {
                // "Key (order_code)=(…) already exists."
                let detail = info?[.detail] ?? ""
                let field =
                    detail.firstRange(of: "Key (").flatMap { start in
                        detail[start.upperBound...].firstIndex(of: ")").map { String(detail[start.upperBound..<$0]) }
                    } ?? info?[.constraintName] ?? "id"
                return .duplicate(entity: entity, field: field, value: "")
            }
            if info == nil { return .unavailable(path: url.description, reason: Self.describe(error)) }
            return .database(entity: entity, reason: Self.describe(error))
        default: return .database(entity: entity, reason: "\(error)")
        }
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
