import Foundation

/// Runs a command to completion without holding a thread: the child is a ``SpawnedProcess``
/// (it inherits no stray descriptors, and its end is learned from `waitpid`), polled from an
/// async loop, so dozens of tests waiting at once starve neither Swift's cooperative pool nor
/// Dispatch's workers (which once held a PostgreSQL readiness check for 45 s).
public enum Subprocess {
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        directory: URL = Fixtures.repositoryRoot
    ) async throws -> (status: Int32, output: String) {
        try await SpawnedProcess.run(
            executable, arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, directory: directory.path)
    }
}
