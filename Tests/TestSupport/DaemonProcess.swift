import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The real `hotspotpay` binary run as a child process, for tests that need the whole program:
/// signals, exit codes, stdout.
public final class DaemonProcess: @unchecked Sendable {
    public let process: SpawnedProcess
    public let stdoutPath: String
    public let stderrPath: String

    /// The built binary: beside the test bundle in `.build/<triple>/debug`, or `$HOTSPOTPAY_BIN`.
    public static var binary: String {
        if let path = ProcessInfo.processInfo.environment["HOTSPOTPAY_BIN"] { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The runner may be inside hotspotpayPackageTests.xctest/…; walk up to the build folder.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("hotspotpay").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return Fixtures.repositoryRoot.appendingPathComponent(".build/debug/hotspotpay").path
    }

    /// `executable` runs something else (e.g. `setpriv … hotspotpay`) with the same plumbing.
    public init(
        arguments: [String], directory: URL, environment: [String: String] = [:], executable: String? = nil
    ) throws {
        stdoutPath = directory.appendingPathComponent("stdout-\(UUID().uuidString.prefix(6)).log").path
        stderrPath = directory.appendingPathComponent("stderr-\(UUID().uuidString.prefix(6)).log").path
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        var env = ProcessInfo.processInfo.environment
        for name in env.keys where name.hasPrefix("HOTSPOTPAY_") && name != "HOTSPOTPAY_BIN" { env[name] = nil }
        if executable == nil {
            // The checkout's portal, never an installed one: DebianPackageTests installs and
            // removes the package while other daemons start, and a daemon finding a half-removed
            // /usr/share/hotspotpay/portal would fail to start.
            env["HOTSPOTPAY_PORTAL_DIR"] = Fixtures.repositoryRoot.appendingPathComponent("portal").path
        }
        env.merge(environment) { $1 }
        process = try SpawnedProcess(
            executable ?? Self.binary, arguments, environment: env, directory: directory.path, output: stdoutPath,
            error: stderrPath)
    }

    /// `serve` on free ports for HTTP and RADIUS, so tests never collide with each other or a
    /// FreeRADIUS on 1812.
    public static let serveOnFreePorts = [
        "serve", "--listen", "127.0.0.1:0", "--radius-auth", "127.0.0.1:0", "--radius-acct", "127.0.0.1:0",
    ]

    /// Waits for the "RADIUS listening on auth A, acct B" line and returns the ports.
    public func waitForRadius(timeout: TimeInterval = 30) async throws -> (auth: Int, acct: Int) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = stdout.split(separator: "\n").first(where: { $0.contains("RADIUS listening on auth") }) {
                let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
                if numbers.count >= 2 { return (numbers[numbers.count - 2], numbers[numbers.count - 1]) }
            }
            if !process.isRunning { throw DaemonError.exited(status: process.terminationStatus, stderr: stderr) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw DaemonError.timedOut(stderr: stderr)
    }

    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits for the "portal listening on" line and returns the base URL.
    public func waitForPortal(timeout: TimeInterval = 30) async throws -> URL {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = stdout.split(separator: "\n").first(where: { $0.contains("portal listening on") }),
                let start = line.range(of: "http://"), let end = line[start.lowerBound...].firstIndex(of: " ")
            {
                return URL(string: String(line[start.lowerBound..<end]))!
            }
            if !process.isRunning { throw DaemonError.exited(status: process.terminationStatus, stderr: stderr) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw DaemonError.timedOut(stderr: stderr)
    }

    /// Waits for the process to end and returns its exit status.
    public func waitForExit(timeout: TimeInterval = 30) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            guard Date() < deadline else {
                process.signal(SIGINT)
                throw DaemonError.timedOut(stderr: stderr)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    public func signal(_ signal: Int32) { process.signal(signal) }

    deinit { process.signal(SIGKILL) }

    /// Runs the binary to completion and returns (status, stdout, stderr).
    public static func run(_ arguments: [String], directory: URL, environment: [String: String] = [:]) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let daemon = try DaemonProcess(arguments: arguments, directory: directory, environment: environment)
        let status = try await daemon.waitForExit(timeout: 60)
        return (status, daemon.stdout, daemon.stderr)
    }
}

public enum DaemonError: Error, CustomStringConvertible {
    case exited(status: Int32, stderr: String)
    case timedOut(stderr: String)

    public var description: String {
        switch self {
        case .exited(let status, let stderr): "daemon exited with status \(status): \(stderr)"
        case .timedOut(let stderr): "daemon did not get there in time: \(stderr)"
        }
    }
}

/// Minimal HTTP calls for process-level tests.
public enum HTTP {
    public static func get(_ url: URL) async throws -> (status: Int, body: Data) {
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    public static func postJSON(_ url: URL, _ body: [String: String]) async throws -> (status: Int, body: Data) {
        try await post(url, body: try JSONSerialization.data(withJSONObject: body), contentType: "application/json")
    }

    /// A form post, as a browser submits one.
    public static func postForm(_ url: URL, _ body: String) async throws -> (status: Int, body: Data) {
        try await post(url, body: Data(body.utf8), contentType: "application/x-www-form-urlencoded")
    }

    /// Any POST body, as a provider's callback sends one.
    public static func post(_ url: URL, body: Data, contentType: String, timeout: TimeInterval = 10) async throws -> (
        status: Int, body: Data
    ) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        request.timeoutInterval = timeout
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}
