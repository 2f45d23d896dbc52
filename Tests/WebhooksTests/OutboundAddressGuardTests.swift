import HotspotPayCore
import Testing
import Webhooks

@Suite struct OutboundAddressGuardTests {
    static let refused = [
        "http://127.0.0.1:8080/x", "http://10.1.2.3/", "http://172.20.0.1/", "http://192.168.88.1/rest",
        "http://169.254.169.254/latest/meta-data", "http://100.64.0.1/", "http://0.0.0.0/", "http://[::1]/",
        "http://[fe80::1]/", "http://[fd00::5]/", "http://[::ffff:192.168.1.1]/", "http://224.0.0.1/",
        "http://[::10.0.0.1]/", "http://[::127.0.0.1]/", "http://[fec0::1]/",
    ]

    @Test(arguments: refused)
    func nonPublicAddressesAreRefusedUnlessAllowed(url: String) async throws {
        await #expect(throws: OutboundRefusal.self) {
            _ = try await OutboundAddressGuard(allowPrivateAddresses: false).check(url)
        }
        #expect(try await OutboundAddressGuard(allowPrivateAddresses: true).check(url).count == 1)
    }

    @Test func aNameIsJudgedByEveryAddressItResolvesTo() async throws {
        let guardWithDNS = OutboundAddressGuard(allowPrivateAddresses: false) { host throws(OutboundRefusal) in
            switch host {
            case "pms.example.com": return [try! IPAddress("203.0.113.10")]
            case "rebind.example.com": return [try! IPAddress("203.0.113.11"), try! IPAddress("10.0.0.7")]
            default: throw .unresolved(host: host, reason: "no such name")
            }
        }
        #expect(try await guardWithDNS.check("https://pms.example.com/hooks").map(\.description) == ["203.0.113.10"])
        do {
            _ = try await guardWithDNS.check("https://rebind.example.com/hooks")
            Issue.record("a name with one private address must be refused")
        } catch {
            #expect(error.description.contains("10.0.0.7, a private address"), "\(error)")
            #expect(error.description.contains("allow_private_addresses"))
        }
        await #expect(throws: OutboundRefusal.self) { _ = try await guardWithDNS.check("https://nowhere.example/") }
    }

    @Test func localhostResolvesThroughTheSystemAndIsRefused() async throws {
        await #expect(throws: OutboundRefusal.self) {
            _ = try await OutboundAddressGuard(allowPrivateAddresses: false).check("http://localhost:9/")
        }
        #expect(try await !OutboundAddressGuard(allowPrivateAddresses: true).check("http://localhost:9/").isEmpty)
    }

    @Test func publicAddressesPass() async throws {
        for url in ["https://203.0.113.5/", "https://[2a00:1450:4001:80b::200e]/", "http://8.8.8.8/"] {
            #expect(try await OutboundAddressGuard(allowPrivateAddresses: false).check(url).count == 1)
        }
    }
}
