import Foundation
import GRDB
import HotspotPayCore
import Logging
import Store
import TestSupport
import Testing

@testable import PostgresStore

/// The two databases the behaviour tests run on.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// Every store protocol, as both backends implement it.
typealias BehaviourStore = HotspotStore

/// A fresh store on the chosen backend (a SQLite file, or a database of its own on the shared
/// PostgreSQL server) with one plan and one router; `node()` opens another store on the same
/// database, as a second daemon would.
struct BackendHarness: SalesHarness {
    let backend: StoreBackend
    let store: any BehaviourStore
    let key: SecretKey
    /// The SQLite file, on that backend (for tests that look past the store).
    let sqlitePath: String?
    private let postgresURL: PostgresURL?

    static let logger: Logger = {
        var logger = Logger(label: "store-test")
        logger.logLevel = .error
        return logger
    }()

    /// How long a test's store call may wait: the suite runs every test at once on one shared
    /// server, and a loaded CI box is slow; these tests are about behaviour, not speed (the
    /// timeout itself is tested with a store of its own).
    static let postgresTimeout: Duration = .seconds(120)

    init(
        _ backend: StoreBackend, _ label: String = #function, strategy: UnlockStrategy = .coa,
        plan: Plan = Fixtures.plan()
    ) async throws {
        self.backend = backend
        key = try SecretKey(bytes: Array(repeating: 7, count: 32))
        switch backend {
        case .sqlite:
            let path = try Fixtures.temporaryDirectory(label).appendingPathComponent("test.sqlite").path
            sqlitePath = path
            postgresURL = nil
            store = try SQLiteStore(path: path, cipher: SecretCipher(key: key))
        case .postgres:
            let url = try PostgresURL(try await PostgresCluster.shared().database(label))
            sqlitePath = nil
            postgresURL = url
            let store = PostgresStore(
                url: url, password: nil, cipher: SecretCipher(key: key), connections: 8,
                timeout: Self.postgresTimeout, logger: Self.logger)
            try await store.migrate()
            self.store = store
        }
        try await store.addPlan(plan, actor: "test")
        try await store.addRouter(Fixtures.router(strategy: strategy), actor: "test")
    }

    /// The store as SQLite, on that backend.
    var sqlite: SQLiteStore { store as! SQLiteStore }
    var path: String { sqlitePath ?? "" }

    /// Another store on the same database (a second node, or the CLI).
    func node() throws -> any BehaviourStore {
        if let sqlitePath { return try SQLiteStore(path: sqlitePath, cipher: SecretCipher(key: key)) }
        return PostgresStore(
            url: postgresURL!, password: nil, cipher: SecretCipher(key: key), connections: 8,
            timeout: Self.postgresTimeout, logger: Self.logger)
    }

    /// Rows in a table, read past the store's API (what the database holds, not what it says).
    func count(_ table: String) async throws -> Int {
        if let sqlitePath {
            return try await DatabaseQueue(path: sqlitePath).read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
            }
        }
        let store = try #require(store as? PostgresStore)
        return try await store.read(entity: "test") { q in
            Int(try await q.scalar("SELECT count(*) FROM \(unescaped: table)", as: Int64.self) ?? 0)
        }
    }

}

extension BackendHarness {
    var salesStore: any TransactionStore { store }
}
