import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process for the tests, started with `posix_spawn` with every descriptor above stderr
/// closed in the child, and reaped by its own pid.
///
/// Foundation's `Process` on Linux learns that a child ended when a socket it handed that child
/// closes, and it lets every child inherit whatever descriptors are open at that moment. A
/// server started beside a short command kept that command's socket, so the command's
/// `waitUntilExit` never returned and a whole CI run hung (swift-corelibs-foundation #4795).
/// Children started here inherit nothing but stdin, stdout and stderr, and their end is learned
/// from `waitpid`, so neither can happen.
public final class SpawnedProcess: Sendable {
    public let pid: pid_t
    /// The raw wait status, once reaped.
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `executable`; stdin from `input`, stdout to `output` and stderr to `error` (files,
    /// appended to; `error` nil: with stdout).
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        directory: String? = nil, input: String = "/dev/null", output: String, error: String? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if let error {
            posix_spawn_file_actions_addopen(&actions, 2, error, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        if let directory { _ = Self.addChdir(&actions, directory) }
        guard Self.addCloseFrom(&actions, 3) == 0 else { throw SpawnError("posix_spawn cannot close descriptors") }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let variables = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") }
        let envp = variables + [nil]
        defer { for variable in variables { free(variable) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else {
            throw SpawnError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` and `…_addchdir_np`, which Swift's
    /// Glibc module does not declare.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDirectory =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addCloseFrom: CloseFrom = unsafeBitCast(
        dlsym(nil, "posix_spawn_file_actions_addclosefrom_np"), to: CloseFrom.self)
    private static let addChdir: ChangeDirectory = unsafeBitCast(
        dlsym(nil, "posix_spawn_file_actions_addchdir_np"), to: ChangeDirectory.self)

    /// Reaps the child when it has ended; never blocks.
    private func poll() -> Int32? {
        if let status = reaped.withLock({ $0 }) { return status }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            reaped.withLock { $0 = status }
            return status
        }
        return reaped.withLock { $0 }
    }

    public var isRunning: Bool { poll() == nil }

    /// The exit code, or the signal that ended it (as Foundation's `Process` reports it); -1
    /// while it runs.
    public var terminationStatus: Int32 {
        guard let status = poll() else { return -1 }
        return status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
    }

    /// Sends `signal`, unless the child has been reaped (its pid may belong to another by then).
    public func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits for the child to end, polling (no thread is held), and returns its status.
    public func wait(pollEvery interval: Duration = .milliseconds(10)) async -> Int32 {
        while isRunning { try? await Task.sleep(for: interval) }
        return terminationStatus
    }

    /// Runs `executable` to completion and returns its status and what it printed (stdout, and
    /// stderr with it unless `discardingErrors`); `input` is written to its stdin.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        directory: String? = nil, input: String? = nil, discardingErrors: Bool = false
    ) async throws -> (status: Int32, output: String) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hotspotpay-run-\(UUID().uuidString.prefix(8))")
        let outputPath = scratch.path + ".out"
        let inputPath = scratch.path + ".in"
        defer {
            try? FileManager.default.removeItem(atPath: outputPath)
            try? FileManager.default.removeItem(atPath: inputPath)
        }
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        chmod(outputPath, 0o666)  // a command run as another user (runuser) writes it too
        if let input { try input.write(toFile: inputPath, atomically: true, encoding: .utf8) }
        let child = try SpawnedProcess(
            executable, arguments, environment: environment, directory: directory,
            input: input == nil ? "/dev/null" : inputPath, output: outputPath,
            error: discardingErrors ? "/dev/null" : nil)
        let status = await child.wait()
        return (status, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }
}

public struct SpawnError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
