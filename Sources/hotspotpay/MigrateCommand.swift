import ArgumentParser

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create or upgrade the database schema (serve also does this at start).")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Only list the migrations and whether each is applied.") var status = false

    func run() async throws {
        let runtime = try options.runtime()
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
}
