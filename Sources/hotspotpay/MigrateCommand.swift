import ArgumentParser
import Foundation
import Logging
import PostgresStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create or upgrade the database schema (serve also does this at start).",
        discussion: """
            With --to postgres://USER@HOST:PORT/DB it copies this SQLite database (every table, the \
            audit log and the sealed secrets included) into an empty PostgreSQL database, then reads \
            both back and compares each table's row count and checksum. The password comes from \
            HOTSPOTPAY_DATABASE_PASSWORD. Stop the daemon first; afterwards point every node's \
            `database:` at that URL and keep the same encryption key.
            """)

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Only list the migrations and whether each is applied.") var status = false
    @Option(name: .customLong("to"), help: "An empty PostgreSQL database to copy this SQLite database into.")
    var target: String?

    func run() async throws {
        let runtime = try options.runtime()
        if let target {
            try await copy(runtime, to: target)
            return
        }
        let store = try await runtime.openStore(migrate: false)
        if status {
            for migration in try await store.migrations() {
                print("\(migration.applied ? "applied" : "pending")  \(migration.name)")
            }
            return
        }
        let applied = try await store.applyMigrations()
        print(
            applied.isEmpty
                ? "\(store.location): schema up to date"
                : "\(store.location): applied \(applied.joined(separator: ", "))")
    }

    private func copy(_ runtime: Runtime, to target: String) async throws {
        // The source brought up to date first, so both schemas are the same version.
        let source = try runtime.openSQLiteStore(for: "migrate --to")
        try await source.checkSecretKey()
        var logger = Logger(label: "hotspotpay.migrate")
        logger.logLevel = .warning
        let store = PostgresStore(
            url: try PostgresURL(target), password: runtime.environment["HOTSPOTPAY_DATABASE_PASSWORD"],
            cipher: try runtime.cipher(), timeout: .seconds(600), logger: logger)
        defer { store.close() }
        let started = Date()
        let tables = try await DatabaseCopy(sqlitePath: source.path, target: store).run()
        for table in tables where table.rows > 0 {
            print("\(table.name): \(table.rows) rows, sha256 \(table.checksum.prefix(16))… matches")
        }
        print(
            String(
                format: "%@ → %@: %d rows in %d tables copied and verified in %.1f s", source.path,
                store.url.description, tables.map(\.rows).reduce(0, +), tables.count, Date().timeIntervalSince(started))
        )
    }
}
