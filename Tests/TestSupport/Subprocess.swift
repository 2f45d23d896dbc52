import Dispatch
import Foundation

/// Runs a command to completion off Swift's cooperative thread pool: a test blocked reading a
/// child's output must not starve the servers the other tests run in this process. Each wait
/// has a thread of its own: Dispatch's global queue adds workers only slowly on Linux, and with
/// dozens of tests waiting at once (radclient, psql, dpkg) its queue once held a PostgreSQL
/// readiness check for 45 s on a loaded two-core box.
public enum Subprocess {
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        directory: URL = Fixtures.repositoryRoot
    ) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: executable)
                    process.arguments = arguments
                    process.currentDirectoryURL = directory
                    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
                    let pipe = Pipe()
                    process.standardOutput = pipe
                    process.standardError = pipe
                    try process.run()
                    let data = pipe.fileHandleForReading.readDataToEndOfFile()
                    while process.isRunning { usleep(10_000) }
                    continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
