import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A server the benchmark starts, with its output in a file the benchmark polls.
final class ChildProcess {
    let process = Process()
    let output: URL

    init(_ executable: String, _ arguments: [String], output: URL, environment: [String: String] = [:]) throws {
        self.output = output
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
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
            guard process.isRunning else {
                throw BenchError("\(process.executableURL?.path ?? "") exited: \(text.suffix(2000))")
            }
            usleep(50_000)
        }
        throw BenchError("timed out waiting for '\(marker)' in \(file.path)")
    }

    /// SIGTERM, then SIGKILL after five seconds (Foundation's waitUntilExit can hang on Linux).
    func stop() {
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    static func capture(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self)
    }
}
