import Foundation
import HotspotPayCore
import HotspotSimulator
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `hotspotpay doctor` reads a live router (the simulated hotspot's REST API, its certificate
/// pinned) and names every difference from what the daemon expects, with the command that fixes it.
@Suite(.serialized) struct RouterDoctorTests {
    static func doctor(_ venue: VenueDaemon, json: Bool = false, live: String? = nil) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try await DaemonProcess.run(
            ["doctor", "--router", VenueDaemon.routerID, "--config", venue.config.path] + (json ? ["--json"] : [])
                + (live.map { ["--live", $0] } ?? []),
            directory: venue.directory, environment: ["HOTSPOTPAY_SECRET_KEY": venue.key])
    }

    static let profiles = ["default": true, "portal-only": false, "paid": true]

    @Test func aRouterSetUpAsTheScriptLeavesItHasNoProblems() async throws {
        let (venue, hotspot) = try await HotspotSimulatorTests.venue(
            strategy: "login", loginByMAC: false, profiles: Self.profiles, rest: HotspotSimulatorTests.rest)
        try await HotspotSimulatorTests.giveAPI(venue, hotspot)
        let result = try await Self.doctor(venue)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("RouterOS 7.16.2") && result.stdout.contains("0 problem(s)"), "\(result.stdout)")
        #expect(!result.stdout.contains("✘"), "\(result.stdout)")

        // The console's API runs the same doctor in the running daemon.
        let token = try await HotspotSimulatorTests.operatorToken(venue)
        var request = URLRequest(url: URL(string: venue.baseURL + "/api/admin/routers/venue/doctor")!)
        request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(String(decoding: data, as: UTF8.self))")
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(report["router"] as? String == "venue" && report["version"] as? String == "7.16.2 (stable)")
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty && findings.allSatisfy { $0["severity"] as? String == "ok" }, "\(findings)")
        await hotspot.stop()
        try await venue.stop()
    }

    @Test func aHalfConfiguredRouterGetsOneFixPerDifference() async throws {
        var setup = RouterSetup()
        setup.incomingAccept = false
        setup.loginByOthers = []  // no http-chap: the guest's browser cannot log in
        setup.radiusAccounting = false
        setup.requireMessageAuth = false
        setup.localUsers = ["F2:00:00:00:17:01"]
        let coaPort = try LocalPort.free(.udp)
        let venue = try VenueDaemon(coaPort: coaPort, strategy: "login")
        try await venue.start()
        let (auth, acct) = try await #require(venue.process).waitForRadius()
        let hotspot = try await SimulatedHotspot.start(
            .init(
                nasIdentifier: "venue-hap", secret: VenueDaemon.routerSecret, authPort: auth, accountingPort: acct,
                loginByMAC: false, profiles: ["default": true], rest: HotspotSimulatorTests.rest,
                setup: setup),
            coaPort: coaPort)
        try await HotspotSimulatorTests.giveAPI(venue, hotspot)
        let result = try await Self.doctor(venue)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        for fix in [
            "/radius incoming set accept=yes port=\(coaPort)",
            "login-by=http-chap",
            "radius-accounting=yes",
            "require-message-auth=yes-for-request-resp",
            "/ip hotspot user remove [find name=\"F2:00:00:00:17:01\"]",
            // The paid group is missing (the captive one does not matter on a login router).
            "/ip hotspot user profile add name=paid",
        ] {
            #expect(result.stdout.contains(fix), "missing fix \(fix) in\n\(result.stdout)")
        }
        // Warnings: require-message-auth=no, and no http-pap for the REST login.
        #expect(result.stdout.contains("5 problem(s), 2 warning(s)"), "\(result.stdout)")
        #expect(result.stdout.contains("see: RouterOS manual › RADIUS › Change of Authorization"), "\(result.stdout)")
        // The same as JSON for scripts and the console.
        let json = try await Self.doctor(venue, json: true)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.filter { $0["severity"] as? String == "problem" }.count == 5, "\(json.stdout)")
        await hotspot.stop()
        try await venue.stop()
    }

    @Test func aLiveRoundTripRefusesAnUnpaidDeviceThenTakesAPaidOneThroughCoADisconnectAndBack() async throws {
        let (venue, hotspot) = try await HotspotSimulatorTests.venue(
            strategy: "login", loginByMAC: false, profiles: Self.profiles, rest: HotspotSimulatorTests.rest)
        try await HotspotSimulatorTests.giveAPI(venue, hotspot)
        let mac = "F2:00:00:00:17:02"
        // Not on the hotspot yet: the doctor says so.
        let absent = try await Self.doctor(venue, live: mac)
        #expect(absent.status == 1 && absent.stdout.contains("no /ip hotspot host"), "\(absent.stdout)")
        await hotspot.deviceAppears(mac: mac, ip: "10.5.50.50")
        let unpaid = try await Self.doctor(venue, live: mac)
        #expect(unpaid.status == 0, "\(unpaid.stdout)\(unpaid.stderr)")
        #expect(unpaid.stdout.contains("✔ an unpaid device is refused"), "\(unpaid.stdout)")
        #expect(!hotspot.reachesInternet(mac: mac))

        _ = try await HotspotSimulatorTests.pay(venue, mac: mac)
        try await CheckoutEndToEndTests.eventually("the device is online", timeout: 15) {
            hotspot.reachesInternet(mac: mac)
        }
        let store = try CheckoutEndToEndTests.store(venue)
        try await CheckoutEndToEndTests.eventually("its session is reported") {
            !(try await store.openSessions(mac: try MACAddress(mac))).isEmpty
        }
        let paid = try await Self.doctor(venue, live: mac)
        #expect(paid.status == 0, "\(paid.stdout)\(paid.stderr)")
        for line in [
            "✔ CoA acknowledged", "✔ Disconnect acknowledged", "✔ the device is back online after the Disconnect",
        ] {
            #expect(paid.stdout.contains(line), "missing \(line) in\n\(paid.stdout)")
        }
        #expect(hotspot.events.contains("\(mac.uppercased()): CoA applied"), "\(hotspot.events)")
        #expect(hotspot.events.contains("\(mac.uppercased()): disconnected"), "\(hotspot.events)")
        #expect(hotspot.reachesInternet(mac: mac) && hotspot.unpaidDevicesOnline(paid: [mac]).isEmpty)
        await hotspot.stop()
        try await venue.stop()
    }

    @Test func aRouterThatCannotBeReadIsAProblemNotASilence() async throws {
        let (venue, hotspot) = try await HotspotSimulatorTests.venue(
            strategy: "login", profiles: Self.profiles, rest: HotspotSimulatorTests.rest)
        try await HotspotSimulatorTests.giveAPI(venue, hotspot, pin: String(repeating: "ee", count: 32))
        let result = try await Self.doctor(venue)
        #expect(result.status == 1)
        #expect(result.stdout.contains("cannot read the router") && result.stdout.contains("not the pinned"))
        await hotspot.stop()
        try await venue.stop()
    }
}
