import Foundation
import HotspotPayCore
import Radius
import RouterOSAPI
import Store
import Workers

/// `hotspotpay doctor --live MAC`: a real round trip with a test device on the router, timed.
/// An unpaid device: the router must ask RADIUS and be refused (a login with a wrong password
/// that gets in means the router does not ask this daemon: fail-open). A paid device with a
/// session: a CoA must be acknowledged, a Disconnect must end the session, and the device must
/// come back (through the REST API login, or the router's MAC-auth retry).
struct RouterLiveCheck {
    let router: Router
    let mac: MACAddress
    let store: any HotspotStore
    let client: RouterOSClient
    let coa: CoAClient

    typealias Finding = RouterDoctor.Finding

    func run() async -> [Finding] {
        var findings: [Finding] = []
        let clock = ContinuousClock()
        func milliseconds(_ duration: Duration) -> Int {
            Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        }
        // 1. The router sees the device.
        var host: [String: String]?
        let lookup = await clock.measure {
            host = (try? await client.entries(router: router, path: "ip/hotspot/host?mac-address=\(mac)"))?.first
        }
        guard let host else {
            return [
                Finding(
                    .problem, "the test device is on the hotspot", found: "no /ip hotspot host for \(mac)",
                    fix: "join the guest WiFi with that device, open any web page, and run this again",
                    manual: .hotspotActive)
            ]
        }
        findings.append(
            Finding(
                .ok, "the test device is on the hotspot",
                found: "\(host["address"] ?? "?"), authorized \(host["authorized"] ?? "?") (\(milliseconds(lookup)) ms)"
            )
        )

        let grant = try? await store.activeGrant(mac: mac)
        guard let grant, grant.status == .active else {
            guard router.strategy == .login else {
                // A coa router authorizes unpaid devices with the captive group by design: what
                // keeps them out is the hold, which the doctor's menu checks read.
                findings.append(
                    Finding(
                        .ok, "an unpaid device is authorized with the captive attributes (coa)",
                        found: "held by the paid address list and forward rule (see the hold check above)",
                        manual: .userProfiles))
                return findings
            }
            findings.append(await refusedWhileUnpaid(host: host, milliseconds: milliseconds))
            return findings
        }
        // 2. A paid device: CoA, Disconnect, back online.
        let session = (try? await store.openSessions(mac: mac))?.filter { $0.routerID == router.id }
            .max { $0.updatedAt < $1.updatedAt }
        guard let session else {
            findings.append(
                Finding(
                    .warning, "a paid test device with a session", found: "paid, but no session reported",
                    fix: "let the device get online (or check radius-accounting), then run this again"))
            return findings
        }
        let destination = CoAClient.Destination(
            host: router.address.description, port: router.coaPort, secret: router.secret.reveal)
        let identification = UnlockMessage.identification(session: session, mac: mac, clientIP: nil)
        let change = UnlockMessage.coa(
            identifying: identification,
            paid: [RadiusAttribute(name: "Session-Timeout", value: String(grant.secondsLeft(at: Date())))])
        for (name, message) in [("CoA", change), ("Disconnect", UnlockMessage.disconnect(identifying: identification))]
        {
            var result: CoAResult?
            var failure: (any Error)?
            let took = await clock.measure {
                do { result = try await coa.send(message.code, attributes: message.attributes, to: destination) } catch
                {
                    failure = error
                }
            }
            if let failure {
                findings.append(
                    Finding(
                        .problem, "\(name) acknowledged", found: "could not be sent: \(failure)",
                        manual: .radiusIncoming))
                return findings
            }
            switch result {
            case .acknowledged:
                findings.append(Finding(.ok, "\(name) acknowledged", found: "\(milliseconds(took)) ms"))
            case .refused(let cause):
                findings.append(
                    Finding(
                        .problem, "\(name) acknowledged",
                        found: "refused, Error-Cause \(cause.map(String.init) ?? "none")",
                        fix: "/radius incoming set accept=yes port=\(router.coaPort)", manual: .radiusIncoming))
                return findings
            default:
                findings.append(
                    Finding(
                        .problem, "\(name) acknowledged", found: "no answer from \(router.address):\(router.coaPort)",
                        fix: "/radius incoming set accept=yes port=\(router.coaPort); and let UDP \(router.coaPort) "
                            + "from this daemon through the router's firewall (hotspotpay routeros-script)",
                        manual: .radiusIncoming))
                return findings
            }
        }
        // 3. Back online: the daemon logs it in through the REST API, or the router's MAC retry does.
        let start = clock.now
        if router.api != nil, let id = grant.transactionIDs.last,
            let secret = try? await store.transaction(id: id)?.loginSecret
        {
            do throws(RouterAPIError) {
                try await client.login(
                    router: router, user: mac.description, password: secret.text, mac: mac, fallbackIP: nil)
            } catch {
                findings.append(
                    Finding(
                        .problem, "the device logs in again through the REST API", found: "\(error)",
                        manual: .restAPI))
                return findings
            }
        }
        while clock.now - start < .seconds(20) {
            let active = (try? await client.entries(router: router, path: "ip/hotspot/active?mac-address=\(mac)")) ?? []
            if !active.isEmpty {
                findings.append(
                    Finding(
                        .ok, "the device is back online after the Disconnect",
                        found: "\(milliseconds(clock.now - start)) ms (\(active.first?["login-by"] ?? "?"))"))
                return findings
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        findings.append(
            Finding(
                .problem, "the device is back online after the Disconnect", found: "not within 20 s",
                fix: "give the daemon the router's REST API, or put mac in the hotspot profile's login-by with a "
                    + "short login-timeout", manual: .hotspotServer))
        return findings
    }

    /// An unpaid device's login with a wrong password must be refused by this daemon's RADIUS server.
    private func refusedWhileUnpaid(host: [String: String], milliseconds: (Duration) -> Int) async -> Finding {
        var generator = SystemRandomNumberGenerator()
        let wrong = ASCIIHex.lowercase((0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let clock = ContinuousClock()
        let start = clock.now
        do throws(RouterAPIError) {
            try await client.login(
                router: router, user: mac.description, password: wrong, mac: mac,
                fallbackIP: host["address"].flatMap { try? IPAddress($0) })
            return Finding(
                .problem, "an unpaid device is refused", found: "a login with a wrong password got in: fail-open",
                fix: "the router does not ask this daemon: /ip hotspot profile set [find] use-radius=yes; remove "
                    + "local users (/ip hotspot user remove [find name=\"\(mac)\"])", manual: .hotspotUsers)
        } catch {
            if case .refused(_, let detail) = error {
                return Finding(
                    .ok, "an unpaid device is refused",
                    found: "in \(milliseconds(clock.now - start)) ms (router: \(detail))")
            }
            return Finding(
                .problem, "an unpaid device is refused", found: "the login could not be tried: \(error)",
                manual: .restAPI)
        }
    }
}
