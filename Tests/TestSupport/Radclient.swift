import Dispatch
import Foundation

/// FreeRADIUS's `radclient`, a real RADIUS client, run as a process.
public enum Radclient {
    public struct Result {
        public var status: Int32
        public var output: String
        public var received: Bool { output.contains("Received ") }
    }

    /// Sends one request (`attributes` in radclient's `Name = value, …` syntax) without retries.
    /// Waits off the cooperative thread pool, which the server under test needs to answer.
    public static func send(_ kind: String, port: Int, secret: String, attributes: String, timeout: Int = 1)
        async throws -> Result
    {
        try await withCheckedThrowingContinuation { continuation in
            // A thread of its own, not one of Dispatch's few workers (see `Subprocess`).
            Thread.detachNewThread {
                do {
                    continuation.resume(
                        returning: try sendBlocking(
                            kind, port: port, secret: secret, attributes: attributes, timeout: timeout))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    static func sendBlocking(_ kind: String, port: Int, secret: String, attributes: String, timeout: Int) throws
        -> Result
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/radclient")
        process.arguments = ["-x", "-r", "1", "-t", String(timeout), "127.0.0.1:\(port)", kind, secret]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(attributes.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        while process.isRunning { usleep(5_000) }
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
