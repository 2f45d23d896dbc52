import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

/// `hotspotpay webhooks`, run as the README writes it.
@Suite struct WebhooksCommandTests {
    @Test func changeDisablesAndEnablesAnEndpointWithTheREADMEsFlags() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let config = directory.appendingPathComponent("hotspotpay.yaml")
        try """
        data_dir: \(directory.path)/state
        providers:
          sandbox: {}
        webhooks:
          allow_private_addresses: true
        """.write(to: config, atomically: true, encoding: .utf8)
        let environment = ["HOTSPOTPAY_SECRET_KEY": SecretKey.generateText()]
        func cli(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await DaemonProcess.run(
                ["webhooks"] + arguments + ["--config", config.path], directory: directory, environment: environment)
        }
        let added = try await cli(["add", "--url", "http://127.0.0.1:9/hook", "--json"])
        #expect(added.status == 0, "\(added.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any]
        let id = try #require(object?["id"] as? String)
        let disabled = try await cli(["change", id, "--disable", "--json"])
        #expect(disabled.status == 0, "\(disabled.stderr)")
        #expect(disabled.stdout.contains(#""enabled":false"#) || disabled.stdout.contains(#""enabled" : false"#))
        let enabled = try await cli(["change", id, "--enable", "--json"])
        #expect(enabled.status == 0, "\(enabled.stderr)")
        #expect(enabled.stdout.contains(#""enabled":true"#) || enabled.stdout.contains(#""enabled" : true"#))
        #expect(try await cli(["change", id, "--disable-enabled"]).status != 0)
    }
}
