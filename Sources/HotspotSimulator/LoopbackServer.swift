import Hummingbird
import HummingbirdCore
import Logging

/// One of the simulated router's web services (REST API, hotspot login pages) on 127.0.0.1 and a
/// free port, quiet: a test's or the demo's output is about the daemon, not the simulator.
enum LoopbackServer {
    /// Starts `router` and returns the port it listens on and the task that runs it (cancel to stop).
    static func start(_ router: Router<BasicRequestContext>, server: HTTPServerBuilder = .http1(), name: String)
        async throws -> (port: Int, task: Task<Void, any Error>)
    {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: name)
        logger.logLevel = .critical
        let app = Application(
            router: router, server: server,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: name),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw CancellationError()
        }
        return (port, task)
    }
}
