import Config
import Foundation
import Logging
import TestSupport
import Testing

@testable import hotspotpay

/// `buildDaemon` is what `serve` runs; built here in-process, it serves and stops the same way.
@Suite struct BuildDaemonTests {
    @Test func theDaemonServeBuildsAnswersAndStopsGracefully() async throws {
        // A port picked free can be taken by a parallel test before the daemon binds it: then
        // another is picked (twice at most), as `VenueDaemon` does.
        for attempt in 1...3 {
            do {
                let health = try await Self.serveOnce()
                #expect(health?.status == 200)
                let body = String(decoding: health?.body ?? Data(), as: UTF8.self)
                #expect(body.contains("ok"), "\(body)")
                return
            } catch  where attempt < 3 && "\(error)".contains("Address already in use") {
                continue
            }
        }
    }

    /// Builds and runs the daemon on a free port, asks /healthz, shuts it down gracefully.
    static func serveOnce() async throws -> (status: Int, body: Data)? {
        let directory = try Fixtures.temporaryDirectory()
        let runtime = try Runtime.load(configPath: nil, dataDirectory: directory.path, environment: [:])
        var config = runtime.config
        let port = try LocalPort.free(.tcp)
        config.httpListen = try #require(ListenAddress("127.0.0.1:\(port)"))
        config.radiusAuthListen = try #require(ListenAddress("127.0.0.1:0"))
        config.radiusAcctListen = try #require(ListenAddress("127.0.0.1:0"))
        let daemon = try await buildDaemon(runtime: runtime, config: config, logger: Logger(label: "build-daemon-test"))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await daemon.run() }
            var health: (status: Int, body: Data)?
            let deadline = Date().addingTimeInterval(20)
            while health?.status != 200, Date() < deadline {
                health = try? await HTTP.get(URL(string: "http://127.0.0.1:\(port)/healthz")!)
                if health?.status != 200 { try await Task.sleep(for: .milliseconds(100)) }
            }
            await daemon.services.triggerGracefulShutdown()
            try await group.waitForAll()
            return health
        }
    }
}
