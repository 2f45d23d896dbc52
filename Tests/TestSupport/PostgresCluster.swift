import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway PostgreSQL server for one test: Debian's binaries, `initdb` in a temporary folder,
/// its own port and socket folder, trust authentication for user `hotspotpay`, fsync off (safe
/// while the machine stays up) but every commit written before it is acknowledged (a server
/// killed by a test must not lose what it confirmed, as `synchronous_commit=off` would); never
/// the system service. PostgreSQL refuses to run as root, so as root the commands run as the
/// `postgres` user (created by Debian's package) on a folder given to it.
public final class PostgresCluster: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    let data: URL

    public var url: String { "postgres://hotspotpay@127.0.0.1:\(port)/hotspotpay" }

    /// The newest installed version's binaries, nil when PostgreSQL is not installed.
    public static let binaries: String? = {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init)
            .sorted()
        return versions.last.map { "\(root)/\($0)/bin" }
    }()

    public static func start(_ label: String = #function) async throws -> PostgresCluster {
        guard let bin = binaries else { throw ClusterError("PostgreSQL is not installed (scripts/install-deps)") }
        let directory = try Fixtures.temporaryDirectory(label).appendingPathComponent("pg")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            guard let user = getpwnam("postgres") else { throw ClusterError("no postgres user to run the server as") }
            chown(directory.path, user.pointee.pw_uid, user.pointee.pw_gid)
        }
        let data = directory.appendingPathComponent("data")
        let initdb = try await run(
            "\(bin)/initdb",
            ["-D", data.path, "-U", "hotspotpay", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        guard initdb.status == 0 else { throw ClusterError("initdb: \(initdb.output)") }
        for attempt in 1...3 {
            let port = try LocalPort.free(.tcp)
            do {
                let server = try await launch(bin: bin, data: data, directory: directory, port: port)
                let cluster = PostgresCluster(port: port, directory: directory, data: data, server: server)
                let created = try await run(
                    "\(bin)/createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "hotspotpay", "hotspotpay"])
                guard created.status == 0 else { throw ClusterError("createdb: \(created.output)") }
                return cluster
            } catch let error as ClusterError where attempt < 3 && error.description.hasPrefix("postgres did not") {
                continue
            }
        }
        throw ClusterError("unreachable")
    }

    /// Starts the server on `data` and waits until it accepts connections. The server is this
    /// test's child (not pg_ctl's daemon): it cannot outlive the tests.
    static func launch(bin: String, data: URL, directory: URL, port: Int) async throws -> SpawnedProcess {
        let serverCommand = [
            "\(bin)/postgres", "-D", data.path, "-p", "\(port)", "-k", directory.path, "-c",
            "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c",
            "full_page_writes=off", "-c", "max_connections=400",
        ]
        let command = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + serverCommand : serverCommand
        let logURL = directory.appendingPathComponent("server.log")
        // Started in /tmp, which the `postgres` user may enter.
        let server = try SpawnedProcess(
            command[0], Array(command.dropFirst()), directory: "/tmp", output: logURL.path)
        // Generous: on a loaded CI box a server can take long to be ready.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, server.isRunning {
            let ready = try await run("\(bin)/pg_isready", ["-h", "127.0.0.1", "-p", "\(port)", "-t", "1"])
            if ready.status == 0 { return server }
            try await Task.sleep(for: .milliseconds(100))
        }
        if server.isRunning {
            // The server itself, not only `runuser` above it: a server left running would hold
            // the data folder, and the next try would find it locked.
            if let pid = postmasterPID(data) { kill(pid, SIGKILL) }
            server.signal(SIGKILL)
            _ = await server.wait()
            try? FileManager.default.removeItem(at: data.appendingPathComponent("postmaster.pid"))
        }
        let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        throw ClusterError("postgres did not start:\n\(text.suffix(2000))")
    }

    /// Starts the server again on the same data and port after ``stop()`` (a database restart,
    /// as after a crash: the server recovers from its log).
    public func restart() async throws {
        guard let bin = Self.binaries else { throw ClusterError("PostgreSQL is not installed") }
        let server = try await Self.launch(bin: bin, data: data, directory: directory, port: port)
        serverProcess.withLock { $0 = server }
    }

    private let serverProcess: Mutex<SpawnedProcess>
    var server: SpawnedProcess { serverProcess.withLock { $0 } }

    /// One server for the whole test run, started on first use; each test takes a database of
    /// its own on it (``database(_:)``), which costs a `CREATE DATABASE` instead of an `initdb`.
    /// Stopped when the test process exits.
    public static func shared() async throws -> PostgresCluster { try await sharedCluster.value }

    private static let sharedCluster = Task<PostgresCluster, any Error> {
        let cluster = try await start("shared")
        sharedForExit.withLock { $0 = cluster }
        atexit { PostgresCluster.sharedForExit.withLock { $0?.signalServer(SIGQUIT) } }
        return cluster
    }

    private static let sharedForExit = Mutex<PostgresCluster?>(nil)

    /// Runs SQL with `psql` on the `hotspotpay` database; returns what it printed (unaligned,
    /// tuples only). Fails on the first error.
    public func psql(_ sql: String) async throws -> String {
        let file = directory.appendingPathComponent("script-\(UUID().uuidString.prefix(8)).sql")
        try sql.write(to: file, atomically: true, encoding: .utf8)
        chmod(file.path, 0o644)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await Self.run(
            "\(Self.binaries ?? "")/psql",
            [
                "-h", "127.0.0.1", "-p", "\(port)", "-U", "hotspotpay", "-d", "hotspotpay", "-X", "-q", "-A", "-t",
                "-v", "ON_ERROR_STOP=1", "-f", file.path,
            ])
        guard result.status == 0 else { throw ClusterError("psql: \(result.output)") }
        return result.output
    }

    /// A new empty database on this server; returns its URL.
    public func database(_ label: String = #function) async throws -> String {
        let name =
            "t_"
            + String(label.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.prefix(40))
            + "_\(UUID().uuidString.prefix(8).lowercased())"
        let created = try await Self.run(
            "\(Self.binaries ?? "")/createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "hotspotpay", name])
        guard created.status == 0 else { throw ClusterError("createdb \(name): \(created.output)") }
        return "postgres://hotspotpay@127.0.0.1:\(port)/\(name)"
    }

    init(port: Int, directory: URL, data: URL, server: SpawnedProcess) {
        self.port = port
        self.directory = directory
        self.data = data
        serverProcess = Mutex(server)
    }

    /// Stops the server at once (SIGQUIT: PostgreSQL's immediate shutdown, as a crash would be,
    /// fine for a throwaway) and waits for it.
    public func stop() async {
        signalServer(SIGQUIT)
        let deadline = Date().addingTimeInterval(10)
        while server.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if server.isRunning { signalServer(SIGKILL) }
    }

    /// The server itself, by `postmaster.pid` (as root it runs under `runuser`, which does not
    /// pass every signal on).
    func signalServer(_ signal: Int32) {
        if let pid = Self.postmasterPID(data) {
            kill(pid, signal)
        } else {
            server.signal(signal)
        }
    }

    /// The running server's process, from its `postmaster.pid`.
    static func postmasterPID(_ data: URL) -> Int32? {
        let pidFile = data.appendingPathComponent("postmaster.pid")
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.flatMap { Int32($0) }
    }

    deinit {
        // A test that forgot to stop it: stop it anyway, so no server outlives the tests.
        if server.isRunning { signalServer(SIGQUIT) }
    }

    /// Runs a PostgreSQL command (as `postgres` when root) and returns its status and output. The
    /// output goes through a file, not a pipe: `pg_ctl start` leaves the server running, and a
    /// server holding a copy of a pipe would keep the reader waiting for an end that never comes.
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let command = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] : [executable]
        // In /tmp, which the `postgres` user may enter.
        return try await SpawnedProcess.run(command[0], Array(command.dropFirst()) + arguments, directory: "/tmp")
    }

    public struct ClusterError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
