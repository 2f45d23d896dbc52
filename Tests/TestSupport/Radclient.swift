import Foundation

/// FreeRADIUS's `radclient`, a real RADIUS client, run as a process.
public enum Radclient {
    public struct Result {
        public var status: Int32
        public var output: String
        public var received: Bool { output.contains("Received ") }
    }

    /// Sends one request (`attributes` in radclient's `Name = value, …` syntax) without retries.
    /// Waits without holding a thread, which the server under test may need to answer.
    public static func send(_ kind: String, port: Int, secret: String, attributes: String, timeout: Int = 1)
        async throws -> Result
    {
        let (status, output) = try await SpawnedProcess.run(
            "/usr/bin/radclient", ["-x", "-r", "1", "-t", String(timeout), "127.0.0.1:\(port)", kind, secret],
            input: attributes)
        return Result(status: status, output: output)
    }
}
