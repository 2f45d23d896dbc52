import PostgresStore
import ServiceLifecycle

/// Keeps a node's in-memory access view current for as long as the daemon runs.
struct AccessViewService: Service {
    let view: PostgresAccessView

    func run() async throws {
        try await cancelWhenGracefulShutdown { await view.run() }
    }
}
