import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// FreeRADIUS started from `radius/coa-peer/radiusd.conf.in`, standing in for a router that
/// receives CoA/Disconnect on a free port. Stopped when released.
public final class FreeRADIUSPeer {
    public let directory: URL
    public let port: Int
    let process: SpawnedProcess

    /// `port` nil picks a free one; a test that starts the router after the daemon passes the
    /// port it configured.
    /// Waits for the peer asynchronously: a test blocking one of the two cooperative threads
    /// while FreeRADIUS starts stalls every other test in the process.
    public init(secret: String, port: Int? = nil, _ label: String = #function) async throws {
        directory = try Fixtures.temporaryDirectory(label)
        self.port = try port ?? LocalPort.free(.udp)
        let template = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("radius/coa-peer/radiusd.conf.in"),
            encoding: .utf8)
        try template.replacingOccurrences(of: "@PORT@", with: String(self.port))
            .replacingOccurrences(of: "@SECRET@", with: secret)
            .write(to: directory.appendingPathComponent("radiusd.conf"), atomically: true, encoding: .utf8)
        process = try SpawnedProcess("/usr/sbin/freeradius", ["-f", "-d", directory.path], output: "/dev/null")
        let deadline = Date().addingTimeInterval(60)
        while !log.contains("Ready to process requests") {
            guard Date() < deadline, process.isRunning else {
                throw POSIXError(.ETIMEDOUT)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    deinit {
        // SIGKILL and a bounded wait for the reap.
        process.signal(SIGKILL)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
    }

    public var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("radiusd.log"), encoding: .utf8)) ?? ""
    }

    /// One line per request received: `CoA-Request User-Name = "…", …`.
    public var requests: [String] {
        ((try? String(contentsOf: directory.appendingPathComponent("coa.log"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

}
