import Foundation
import HotspotSimulator
import Logging
import Radius
import TestSupport
import Testing

/// The simulator's `/radius incoming` holds the daemon to RouterOS's rule: a CoA may change only
/// the attributes MikroTik's manual lists, anything else is refused with Error-Cause 401
/// (Unsupported Attribute) before the session is even looked up. Sent by the daemon's own CoA
/// client, so both RADIUS encoders have to agree.
@Suite struct SimulatedHotspotCoARulesTests {
    static let secret = "coa-rules-test-secret"

    init() throws { try RadiusDictionary.load() }

    @Test func aCoAWithAnAttributeRouterOSCannotChangeIsRefusedAsUnsupported() async throws {
        let hotspot = try await SimulatedHotspot.start(
            .init(
                nasIdentifier: "rules", secret: Self.secret, authPort: try LocalPort.free(.udp),
                accountingPort: try LocalPort.free(.udp)))
        let client = try await CoAClient.start(host: "127.0.0.1", logger: Logger(label: "coa-rules-test"))
        let router = CoAClient.Destination(host: "127.0.0.1", port: hotspot.coaPort, secret: Self.secret)
        let user = RadiusPacket.Attribute(name: "User-Name", value: "F2:00:00:00:17:01")

        // Acct-Interim-Interval and the total data cap are not on the list: 401, whatever the session.
        for unsupported in [
            RadiusPacket.Attribute(name: "Acct-Interim-Interval", value: "60"),
            RadiusPacket.Attribute(name: "Mikrotik-Total-Limit", value: "5000000"),
        ] {
            let answer = try await client.send(.coaRequest, attributes: [user, unsupported], to: router)
            #expect(answer == .refused(errorCause: 401), "\(unsupported.name): \(answer)")
        }
        // Session-Timeout and Mikrotik-Group are: no such session here, so 503, never 401.
        let listed = try await client.send(
            .coaRequest,
            attributes: [
                user, .init(name: "Session-Timeout", value: "3600"), .init(name: "Mikrotik-Group", value: "paid"),
            ],
            to: router)
        #expect(listed == .refused(errorCause: 503), "\(listed)")
        // A Disconnect changes nothing, so it may carry identification only.
        let disconnect = try await client.send(
            .disconnectRequest, attributes: [user, .init(name: "Session-Timeout", value: "1")], to: router)
        #expect(disconnect == .refused(errorCause: 401), "\(disconnect)")
        #expect(hotspot.events.contains { $0.contains("CoA refused: attribute 85") }, "\(hotspot.events)")
        await client.close()
        await hotspot.stop()
    }
}
