import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A server the benchmark starts, with its output in a file the benchmark polls. Started as the
/// tests start theirs (``SpawnedProcess``: nothing inherited beyond stdio, reaped by pid), so a
/// server never holds another child's descriptors.
final class ChildProcess {
    let process: SpawnedProcess
    let executable: String
    let output: URL

    init(_ executable: String, _ arguments: [String], output: URL, environment: [String: String] = [:]) throws {
        self.executable = executable
        self.output = output
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process = try SpawnedProcess(
            executable, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            output: output.path)
    }

    /// The first line of output containing `marker`, waiting up to `timeout` seconds.
    func waitForOutput(containing marker: String, timeout: Double = 60) throws -> String {
        try waitForFile(output, containing: marker, timeout: timeout)
    }

    @discardableResult
    func waitForFile(_ file: URL, containing marker: String, timeout: Double = 120) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains(marker) }) { return String(line) }
            guard process.isRunning else { throw BenchError("\(executable) exited: \(text.suffix(2000))") }
            usleep(50_000)
        }
        throw BenchError("timed out waiting for '\(marker)' in \(file.path)")
    }

    /// SIGTERM, then SIGKILL after five seconds.
    func stop() {
        process.signal(SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.signal(SIGKILL) }
        while process.isRunning { usleep(5_000) }
    }

    /// Runs a short command (a load generator) to completion; what it printed.
    static func capture(_ executable: String, _ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hotspotpay-bench-\(UUID().uuidString.prefix(8)).out")
        defer { try? FileManager.default.removeItem(at: output) }
        let child = try ChildProcess(executable, arguments, output: output)
        while child.process.isRunning { usleep(20_000) }
        return (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    }
}
