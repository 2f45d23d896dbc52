import Config
import Foundation
import HotspotPayCore
import Payments
import TestSupport
import Testing

/// The sandbox takes fake payments: a real install never offers it unless the operator says so loudly.
@Suite struct SandboxReachTests {
    static func yaml(publicURL: String, routerAddress: String, sandbox: String = "{}") -> String {
        """
        http:
          public_url: \(publicURL)
        providers:
          sandbox: \(sandbox)
        routers:
          - id: cafe
            address: \(routerAddress)
            secret: a-long-enough-radius-secret
        plans:
          - id: 1h
            name_vi: 1 giờ
            name_en: 1 hour
            price: 10000
            duration: 1h
        """
    }

    @Test(arguments: [
        ("https://wifi.cafe.vn", "127.0.0.1"), ("http://127.0.0.1:8080", "10.5.50.1"),
        ("http://192.168.88.2:8080", "192.168.88.1"), ("http://localhost.evil.example", "127.0.0.1"),
    ])
    func theSandboxBesideARealRouterOrAPublicPortalIsRefused(publicURL: String, router: String) throws {
        do {
            _ = try ConfigLoader.parse(yaml: Self.yaml(publicURL: publicURL, routerAddress: router), environment: [:])
            Issue.record("a sandbox reachable by real guests was accepted")
        } catch {
            let problem = try #require(error.problems.first { $0.path == "providers.sandbox" })
            #expect(problem.message.contains("unsafe_fake_payments"), "\(problem.message)")
        }
    }

    @Test(arguments: ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"])
    func onThisMachineAloneTheSandboxStaysAvailable(publicURL: String) throws {
        let config = try ConfigLoader.parse(
            yaml: Self.yaml(publicURL: publicURL, routerAddress: "127.0.0.1"), environment: [:])
        #expect(config.providers.enabled == [.sandbox])
        #expect(config.providers.sandbox?.unsafeFakePayments == false)
    }

    @Test func theOperatorCanTurnItOnForATrialWithTheLoudSetting() throws {
        let config = try ConfigLoader.parse(
            yaml: Self.yaml(
                publicURL: "https://wifi.cafe.vn", routerAddress: "10.5.50.1", sandbox: "{unsafe_fake_payments: true}"),
            environment: [:])
        #expect(config.providers.sandbox?.unsafeFakePayments == true)
    }

    @Test func thePackagedConfigEnablesNoProviderAndStillLoads() throws {
        let path = Fixtures.repositoryRoot.appendingPathComponent("deploy/debian/hotspotpay.yaml").path
        let config = try ConfigLoader.load(path: path, environment: [:])
        #expect(config.providers.enabled.isEmpty)
        #expect(config.warnings.contains { $0.contains("no payment provider is enabled") })
    }

    @Test func aRouterAddedAtRunTimeOffLoopbackIsNotOfferedTheSandbox() throws {
        let local = SandboxSettings()
        #expect(local.offered(publicURL: "http://127.0.0.1:8080", routerAddress: try IPAddress("127.0.0.1")))
        #expect(!local.offered(publicURL: "http://127.0.0.1:8080", routerAddress: try IPAddress("10.5.50.1")))
        #expect(!local.offered(publicURL: "https://wifi.cafe.vn", routerAddress: try IPAddress("127.0.0.1")))
        let trial = SandboxSettings(unsafeFakePayments: true)
        #expect(trial.offered(publicURL: "https://wifi.cafe.vn", routerAddress: try IPAddress("10.5.50.1")))
    }
}
