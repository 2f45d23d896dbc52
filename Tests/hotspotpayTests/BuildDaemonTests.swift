import Config
import Foundation
import Logging
import TestSupport
import Testing

@testable import hotspotpay

/// `buildDaemon` is what `serve` runs; built here in-process, it serves and stops the same way.
@Suite struct BuildDaemonTests {
    @Test func theDaemonServeBuildsAnswersAndStopsGracefully() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let runtime = try Runtime.load(configPath: nil, dataDirectory: directory.path, environment: [:])
        var config = runtime.config
        let port = try LocalPort.free(.tcp)
        config.httpListen = try #require(ListenAddress("127.0.0.1:\(port)"))
        config.radiusAuthListen = try #require(ListenAddress("127.0.0.1:0"))
        config.radiusAcctListen = try #require(ListenAddress("127.0.0.1:0"))
        let daemon = try await buildDaemon(runtime: runtime, config: config, logger: Logger(label: "build-daemon-test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await daemon.run() }
            var health: (status: Int, body: Data)?
            let deadline = Date().addingTimeInterval(20)
            while health?.status != 200, Date() < deadline {
                health = try? await HTTP.get(URL(string: "http://127.0.0.1:\(port)/healthz")!)
                if health?.status != 200 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(health?.status == 200)
            let body = String(decoding: health?.body ?? Data(), as: UTF8.self)
            #expect(body.contains("ok"), "\(body)")
            await daemon.services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }
}
