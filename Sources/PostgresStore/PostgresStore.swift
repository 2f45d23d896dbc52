import HotspotPayCore
import Logging
import NIOSSL
import PostgresNIO
import Store
import Synchronization

/// The store on PostgreSQL, for several daemons on one database (docs/ARCHITECTURE.md, "Several
/// nodes"). Every store protocol; the Access path reads a node's memory (``PostgresAccessView``).
///
/// Exactly-once holds as on SQLite, but without SQLite's single writer: a confirmation locks its
/// transaction's row (`FOR UPDATE`) and its device (`pg_advisory_xact_lock` on the MAC), so two
/// nodes confirming one payment, or two payments for one device, take turns; every state change
/// is a conditional update; unique constraints are the last word.
///
/// When PostgreSQL does not answer, every call fails within `timeout` as
/// ``StoreError/unavailable(path:reason:)`` (callers answer 503 or stay silent, so providers and
/// routers send again) instead of waiting on the pool. PostgresNIO's pool backs off up to a minute
/// between connection attempts once the server is gone; a pool that has given up is replaced at
/// the next call, so the store is back within about a second of the server.
public final class PostgresStore: Sendable {
    public let url: PostgresURL
    let logger: Logger
    let cipher: SecretCipher?
    let timeout: Duration
    private let password: String?
    private let configuration: PostgresClient.Configuration
    private let pool: Mutex<Pool>

    /// One generation of the connection pool.
    struct Pool: Sendable {
        let client: PostgresClient
        let runner: Task<Void, Never>
        let born: ContinuousClock.Instant
    }

    var client: PostgresClient { pool.withLock { $0.client } }

    /// Connects lazily (the first query opens the pool's first connection). Pass `cipher` to read
    /// and write sealed secrets.
    /// `connections`: the most this node opens at once; `timeout`: how long a call may wait.
    public init(
        url: PostgresURL, password: String?, cipher: SecretCipher? = nil, connections: Int = 20,
        timeout: Duration = .seconds(10), logger: Logger
    ) {
        self.url = url
        self.logger = logger
        self.cipher = cipher
        self.timeout = timeout
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: password, database: url.database,
            tls: url.requireTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = max(1, connections)
        self.configuration = configuration
        self.password = password
        pool = Mutex(Self.makePool(configuration, logger: logger))
    }

    private static func makePool(_ configuration: PostgresClient.Configuration, logger: Logger) -> Pool {
        // The pool's own chatter (a lease asked for a moment before its run loop starts, each
        // failed connection attempt) stays out of the operator's log; outages are reported by
        // the callers that meet them.
        var poolLogger = logger
        poolLogger.logLevel = .error
        let client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        return Pool(client: client, runner: Task { await client.run() }, born: .now)
    }

    /// Replaces a pool that gave up on the server (its circuit breaker open, or connections
    /// failing) with a fresh one, at most every two seconds.
    func renewPool(after error: any Error) {
        guard Self.isConnectivity(error) else { return }
        let configuration = self.configuration
        let logger = self.logger
        pool.withLock { pool in
            guard pool.born.duration(to: .now) > .seconds(2) else { return }
            pool.runner.cancel()
            pool = Self.makePool(configuration, logger: logger)
        }
    }

    /// A failure to reach the server (the pool's, the connection's, a timeout), not one the
    /// server or the store's own rules reported.
    static func isConnectivity(_ error: any Error) -> Bool {
        switch error {
        case let error as StoreError: if case .unavailable = error { true } else { false }
        case is ValidationError: false
        case let error as PSQLError: error.serverInfo == nil
        default: true
        }
    }

    /// Runs `operation`, or throws ``StoreError/unavailable(path:reason:)`` when it has not
    /// finished within the timeout. The caller is answered at the deadline even when the
    /// operation does not heed cancellation (a query on a connection the server dropped without
    /// a word): it is cancelled and left to end on its own. A write cut off this way may still
    /// commit; every write here is safe to repeat (conditional updates, unique keys), and the
    /// caller says "unavailable", so the provider or router asks again and learns the outcome.
    func withinTimeout<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = self.timeout
        let location = url.description
        let race = Race()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let work = Task {
                let result: Result<T, any Error>
                do { result = .success(try await operation()) } catch { result = .failure(error) }
                if race.win() { continuation.resume(with: result) }
            }
            race.setTimer(
                Task {
                    try? await Task.sleep(for: timeout)
                    guard race.win() else { return }
                    work.cancel()
                    continuation.resume(
                        throwing: StoreError.unavailable(
                            path: location, reason: "PostgreSQL did not answer within \(timeout.components.seconds) s"))
                })
        }
    }

    /// Who answers first, the operation or the deadline; the winner cancels the timer.
    private final class Race: Sendable {
        private let state = Mutex<(done: Bool, timer: Task<Void, Never>?)>((false, nil))

        func win() -> Bool {
            state.withLock { state in
                guard !state.done else { return false }
                state.done = true
                state.timer?.cancel()
                return true
            }
        }

        func setTimer(_ timer: Task<Void, Never>) {
            state.withLock { state in
                if state.done { timer.cancel() } else { state.timer = timer }
            }
        }
    }

    /// A connection of its own, outside the pool (the access view's listener holds one open).
    func openConnection() async throws -> PostgresConnection {
        let tls: PostgresConnection.Configuration.TLS =
            url.requireTLS ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable
        return try await PostgresConnection.connect(
            configuration: .init(
                host: url.host, port: url.port, username: url.user, password: password, database: url.database,
                tls: tls),
            id: 0, logger: logger)
    }

    /// Stops the pool; the store is unusable afterwards.
    public func close() { pool.withLock { $0.runner.cancel() } }

    deinit { close() }

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
                if now.contains(PostgresSchema.receiptMigration) {
                    try await Self.fillReceiptDigests(connection, logger: logger)
                }
                return now
            }
        } catch {
            throw .unavailable(path: url.description, reason: Self.describe(error))
        }
    }

    /// Gives every purchase made before receipt codes its receipt digest, 1,000 rows a statement.
    private static func fillReceiptDigests(_ connection: PostgresConnection, logger: Logger) async throws {
        var rows: [(id: String, digest: String)] = []
        for try await (id, token) in try await connection.query(
            "SELECT id, callback_token FROM transactions WHERE receipt_digest IS NULL", logger: logger
        ).decode((String, String).self) {
            guard let token = CallbackToken(hex: token) else { continue }
            rows.append((id, ReceiptCode(callbackToken: token).digest))
        }
        for start in stride(from: 0, to: rows.count, by: 1000) {
            let batch = rows[start..<min(start + 1000, rows.count)]
            try await connection.query(
                """
                UPDATE transactions t SET receipt_digest = v.digest
                FROM unnest(\(batch.map(\.id))::text[], \(batch.map(\.digest))::text[]) AS v(id, digest)
                WHERE t.id = v.id
                """, logger: logger)
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

    /// The server's version (`SHOW server_version`), for reports.
    public func serverVersion() async throws(StoreError) -> String {
        try await read(entity: "version") { q in try await q.scalar("SHOW server_version", as: String.self) ?? "?" }
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
    func write<T: Sendable>(entity: String, _ body: @escaping @Sendable (PostgresQueries) async throws -> T)
        async throws(StoreError) -> T
    {
        let logger = self.logger
        var attempt = 0
        while true {
            attempt += 1
            let client = self.client
            do {
                return try await withinTimeout {
                    try await client.withTransaction(logger: logger) { connection in
                        try await body(PostgresQueries(connection: connection, logger: logger))
                    }
                }
            } catch {
                let failure = Self.underlying(error)
                renewPool(after: failure)
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
    func read<T: Sendable>(entity: String, _ body: @escaping @Sendable (PostgresQueries) async throws -> T)
        async throws(StoreError) -> T
    {
        let logger = self.logger
        let client = self.client
        do {
            return try await withinTimeout {
                try await client.withConnection { connection in
                    try await body(PostgresQueries(connection: connection, logger: logger))
                }
            }
        } catch {
            let failure = Self.underlying(error)
            renewPool(after: failure)
            throw storeError(failure, entity: entity)
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
        case _ where Self.isConnectivity(error):
            return .unavailable(path: url.description, reason: "PostgreSQL cannot be reached (\(error))")
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
