import Foundation
import HotspotPayCore
import HotspotSimulator
import TestSupport
import Testing

/// `hotspotpay doctor --router ID --live MAC`, the operator's acceptance test on a real router,
/// run against the simulated hotspot for the `coa` strategy and with the faults an operator meets:
/// a router without the hold, a wrong shared secret, a wrong REST password, CoA switched off.
@Suite(.serialized) struct RouterLiveDoctorTests {
    /// A coa venue whose router has the REST API and (with `hold`) the setup script's hold.
    static func coaVenue(hold: Bool, setup: RouterSetup = RouterSetup(), _ label: String = #function) async throws
        -> (VenueDaemon, SimulatedHotspot)
    {
        let coaPort = try LocalPort.free(.udp)
        let venue = try VenueDaemon(coaPort: coaPort, strategy: "coa", label)
        try await venue.start()
        let (auth, acct) = try await #require(venue.process).waitForRadius()
        let hotspot = try await SimulatedHotspot.start(
            .init(
                nasIdentifier: "venue-hap", secret: VenueDaemon.routerSecret, authPort: auth, accountingPort: acct,
                loginTimeoutSeconds: 5, profiles: ["default": true, "portal-only": true, "paid": true],
                profileAddressLists: hold ? ["paid": "hotspotpay-paid"] : [:],
                forwardHold: hold ? "hotspotpay-paid" : nil, rest: HotspotSimulatorTests.rest, setup: setup),
            coaPort: coaPort)
        try await HotspotSimulatorTests.giveAPI(venue, hotspot)
        return (venue, hotspot)
    }

    /// Pays for `mac` and waits until the router forwards it and reported its session.
    static func online(_ venue: VenueDaemon, _ hotspot: SimulatedHotspot, mac: String) async throws {
        _ = try await HotspotSimulatorTests.pay(venue, mac: mac)
        try await CheckoutEndToEndTests.eventually("the device is online", timeout: 15) {
            hotspot.reachesInternet(mac: mac)
        }
        let store = try CheckoutEndToEndTests.store(venue)
        try await CheckoutEndToEndTests.eventually("its session is reported") {
            try await store.openSessions(mac: try MACAddress(mac)).contains {
                $0.startedAt > Date().addingTimeInterval(-30)
            }
        }
    }

    @Test func aCoARouterWithItsHoldPassesTheLiveWalkCoADisconnectAndBackByMAC() async throws {
        let (venue, hotspot) = try await Self.coaVenue(hold: true)
        let mac = "F2:00:00:00:45:01"
        await hotspot.deviceAppears(mac: mac, ip: "10.5.50.81")
        let unpaid = try await RouterDoctorTests.doctor(venue, live: mac)
        #expect(unpaid.stdout.contains("✔ unpaid devices are held (coa)"), "\(unpaid.stdout)")
        #expect(
            unpaid.stdout.contains("✔ an unpaid device is authorized with the captive attributes"), "\(unpaid.stdout)")
        try await Self.online(venue, hotspot, mac: mac)
        let paid = try await RouterDoctorTests.doctor(venue, live: mac)
        #expect(paid.status == 0, "\(paid.stdout)\(paid.stderr)")
        for line in [
            "✔ CoA acknowledged", "✔ Disconnect acknowledged", "✔ the device is back online after the Disconnect",
        ] {
            #expect(paid.stdout.contains(line), "missing \(line) in\n\(paid.stdout)")
        }
        #expect(paid.stdout.contains("(mac)"), "back by the router's MAC authentication: \(paid.stdout)")
        #expect(hotspot.unpaidDevicesOnline(paid: [mac]).isEmpty)
        await hotspot.stop()
        try await venue.stop()
    }

    @Test func aCoARouterWithoutTheHoldIsAProblemWithTheFixAndTheManualPage() async throws {
        let (venue, hotspot) = try await Self.coaVenue(hold: false)
        let result = try await RouterDoctorTests.doctor(venue)
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.stdout.contains("✘ unpaid devices are held"), "\(result.stdout)")
        #expect(result.stdout.contains("fix: hotspotpay routeros-script"), "\(result.stdout)")
        #expect(result.stdout.contains("see: RouterOS manual › HotSpot - Captive portal › User Profile"))
        // And the router shows why: a captive device is online unpaid.
        await hotspot.deviceAppears(mac: "F2:00:00:00:45:02", ip: "10.5.50.82")
        #expect(hotspot.unpaidDevicesOnline(paid: []) == ["F2:00:00:00:45:02"])
        await hotspot.stop()
        try await venue.stop()
    }

    @Test func aWrongSecretOrCoAOffIsNoAnswerAndAWrongRESTPasswordIsCannotRead() async throws {
        var setup = RouterSetup()
        setup.incomingAccept = true
        let (venue, hotspot) = try await Self.coaVenue(hold: true, setup: setup)
        let mac = "F2:00:00:00:45:03"
        await hotspot.deviceAppears(mac: mac, ip: "10.5.50.83")
        try await Self.online(venue, hotspot, mac: mac)
        // The daemon's copy of the shared secret is wrong: the router drops every CoA it signs.
        try await HotspotSimulatorTests.updateRouter(venue, ["--secret", "not-the-routers-secret-0123"])
        let wrongSecret = try await RouterDoctorTests.doctor(venue, live: mac)
        #expect(wrongSecret.status == 1, "\(wrongSecret.stdout)")
        #expect(wrongSecret.stdout.contains("✘ CoA acknowledged: no answer"), "\(wrongSecret.stdout)")
        #expect(wrongSecret.stdout.contains("see: RouterOS manual › RADIUS › Change of Authorization"))
        #expect(hotspot.reachesInternet(mac: mac), "nothing reached the router, nothing changed")
        try await HotspotSimulatorTests.updateRouter(venue, ["--secret", VenueDaemon.routerSecret])

        // The REST API's password is wrong: nothing can be read, which is a problem, not a pass.
        try await HotspotSimulatorTests.updateRouter(
            venue,
            [
                "--api-url", try #require(hotspot.restURL), "--api-user", "hotspotpay", "--api-password",
                "wrong-rest-password", "--api-certificate-sha256", try #require(hotspot.restCertificateSHA256),
            ])
        let unauthorized = try await RouterDoctorTests.doctor(venue, live: mac)
        #expect(unauthorized.status == 1, "\(unauthorized.stdout)")
        #expect(unauthorized.stdout.contains("cannot read the router"), "\(unauthorized.stdout)")
        await hotspot.stop()
        try await venue.stop()
    }
}
