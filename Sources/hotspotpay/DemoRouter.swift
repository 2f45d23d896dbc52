import Foundation
import HotspotSimulator
import Logging
import ServiceLifecycle
import Synchronization

/// On the embedded defaults, the demo router is a simulated RouterOS hotspot on this machine:
/// the pretend device a browser plays joins it, is refused until it has paid, and is let in by
/// the router's MAC-authentication retry once it has, so a newcomer's walk ends at "Connected".
final class DemoRouter: Service, Sendable {
    let nasIdentifier: String
    let secret: String
    let coaPort: Int
    let logger: Logger
    private let hotspot = Mutex<SimulatedHotspot?>(nil)
    /// Enough for a few people trying the demo at once; older pretend devices leave the router.
    private let devices = Mutex(DemoDevices(capacity: 64))

    init(nasIdentifier: String, secret: String, coaPort: Int, logger: Logger) {
        self.nasIdentifier = nasIdentifier
        self.secret = secret
        self.coaPort = coaPort
        self.logger = logger
    }

    /// Called once the RADIUS server listens: the router now knows where to ask.
    func start(authPort: Int, accountingPort: Int) {
        Task {
            let configuration = SimulatedHotspot.Configuration(
                nasIdentifier: nasIdentifier, secret: secret, authPort: authPort, accountingPort: accountingPort,
                loginTimeoutSeconds: 2)
            do {
                let started: SimulatedHotspot
                do { started = try await SimulatedHotspot.start(configuration, coaPort: coaPort) } catch {
                    // Another demo on this machine has the port: the unlock still works (the router's
                    // MAC-auth retry); only CoAs for extensions would not reach this one.
                    logger.notice("demo router: /radius incoming port \(coaPort) is taken, using a free one")
                    started = try await SimulatedHotspot.start(configuration, coaPort: 0)
                }
                hotspot.withLock { $0 = started }
                logger.notice(
                    "demo router: a simulated RouterOS hotspot asks this daemon's RADIUS server about the demo devices")
            } catch {
                logger.warning(
                    "demo router not started: paid demo devices will show 'connecting'", metadata: ["error": "\(error)"]
                )
            }
        }
    }

    /// A demo device opened the portal: it has joined the router's network.
    func deviceSeen(mac: String) async {
        guard let hotspot = hotspot.withLock({ $0 }) else { return }
        let leaving = devices.withLock { $0.join(mac.uppercased()) }
        for old in leaving { await hotspot.deviceLeaves(mac: old) }
        let octets = mac.split(whereSeparator: { !$0.isHexDigit }).compactMap { UInt8($0, radix: 16) }
        await hotspot.deviceAppears(mac: mac, ip: "10.5.50.\(2 + Int(octets.last ?? 0) % 250)")
    }

    func run() async throws {
        try await gracefulShutdown()
        await hotspot.withLock { $0 }?.stop()
    }
}
