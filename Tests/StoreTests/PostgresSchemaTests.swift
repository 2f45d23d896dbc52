import Foundation
import GRDB
import HotspotPayCore
import Logging
import PostgresNIO
import Store
import TestSupport
import Testing

@testable import PostgresStore

/// The PostgreSQL store's schema on a throwaway server (``PostgresCluster``): applied once by
/// nodes starting together, the same tables and columns as the SQLite store's, and an audit log
/// the database itself keeps append-only.
@Suite(.serialized) struct PostgresSchemaTests {
    static let logger = Logger(label: "postgres-test")

    @Test func nodesStartingTogetherApplyEachMigrationOnce() async throws {
        let cluster = try await PostgresCluster.start()
        let url = try PostgresURL(cluster.url)
        let stores = (0..<3).map { _ in
            PostgresStore(url: url, password: nil, timeout: BackendHarness.postgresTimeout, logger: Self.logger)
        }
        let applied = try await withThrowingTaskGroup(of: [String].self) { group in
            for store in stores { group.addTask { try await store.migrate() } }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        #expect(
            applied.filter { !$0.isEmpty } == [
                [
                    "v15-baseline", "v16-access-notify", "v17-throttle-windows", "v18-receipts-and-give-aways",
                    "v19-unlock-confirmation",
                ]
            ],
            "\(applied)")
        #expect(try await stores[0].migrationStatus().allSatisfy { $0.applied })
        #expect(try await stores[1].migrate().isEmpty, "nothing left to apply")
        for store in stores { store.close() }
        await cluster.stop()
    }

    @Test func theSchemaHasTheSQLiteStoresTablesAndColumns() async throws {
        let cluster = try await PostgresCluster.start()
        let store = PostgresStore(
            url: try PostgresURL(cluster.url), password: nil, timeout: BackendHarness.postgresTimeout,
            logger: Self.logger)
        try await store.migrate()
        let postgres = try await store.tableColumns()

        let harness = try await StoreHarness()
        let raw = try DatabaseQueue(path: harness.path)
        let sqlite = try await raw.read { db in
            var tables: [String: Set<String>] = [:]
            for table in try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                        AND name <> 'grdb_migrations'
                    """)
            {
                tables[table] = Set(
                    try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String })
            }
            return tables
        }
        #expect(
            Set(postgres.keys) == Set(sqlite.keys),
            "tables differ: \(Set(postgres.keys).symmetricDifference(sqlite.keys))")
        for (table, columns) in sqlite {
            #expect(postgres[table] == columns, "\(table): \(columns.symmetricDifference(postgres[table] ?? []))")
        }
        store.close()
        await cluster.stop()
    }

    @Test func theAuditLogIsAppendOnlyInTheDatabaseItself() async throws {
        let cluster = try await PostgresCluster.start()
        let store = PostgresStore(
            url: try PostgresURL(cluster.url), password: nil, timeout: BackendHarness.postgresTimeout,
            logger: Self.logger)
        try await store.migrate()
        try await store.client.query(
            "INSERT INTO audit_events (at, kind, actor, detail) VALUES (1, 'payment.confirmed', 'test', 'x')",
            logger: Self.logger)
        for change in ["UPDATE audit_events SET detail = 'y'", "DELETE FROM audit_events", "TRUNCATE audit_events"] {
            do {
                try await store.client.query(PostgresQuery(unsafeSQL: change), logger: Self.logger)
                Issue.record("\(change) went through")
            } catch {
                #expect(PostgresStore.describe(error).contains("append-only"), "\(change): \(error)")
            }
        }
        store.close()
        await cluster.stop()
    }

    @Test func aDatabaseURLNamesHostUserAndDatabaseAndNeverCarriesThePassword() throws {
        let local = try PostgresURL("postgres://hotspotpay@127.0.0.1:5433/venues")
        #expect(local.host == "127.0.0.1" && local.port == 5433 && local.database == "venues" && !local.requireTLS)
        let remote = try PostgresURL("postgresql://hp@db.example.com/hotspotpay")
        #expect(remote.port == 5432 && remote.requireTLS, "TLS unless local or sslmode=disable")
        #expect(try !PostgresURL("postgres://hp@db.example.com/x?sslmode=disable").requireTLS)
        for bad in [
            "postgres://hp:secret@db/x", "mysql://hp@db/x", "postgres://db/x", "postgres://hp@db/",
            "postgres://hp@db/x?sslmode=allow",
        ] {
            do {
                _ = try PostgresURL(bad)
                Issue.record("\(bad) accepted")
            } catch {
                #expect(!error.description.contains("secret"), "\(error)")
            }
        }
    }
}
