import Foundation
import HotspotPayCore
import HotspotSimulator
import Store
import TestSupport
import Testing

/// The simulated router holds the daemon to RouterOS's manual where "online" is decided, and takes
/// the strict choice where the manual is silent. CoA requests are sent with FreeRADIUS's
/// `radclient`, never with the daemon's own encoder, and the expected values come from the plans
/// as the venue's config defines them (1h: 3,600 s; 1d: 86,400 s and 5 GB), not from the daemon.
@Suite(.serialized) struct SimulatedRouterRulesTests {
    static let secret = "rules-router-secret-0123"

    /// A simulator with no RADIUS server behind it, for its `/radius incoming` rules alone.
    static func lonelyRouter(_ setup: RouterSetup = RouterSetup()) async throws -> SimulatedHotspot {
        try await SimulatedHotspot.start(
            .init(
                nasIdentifier: "rules", secret: Self.secret, authPort: try LocalPort.free(.udp),
                accountingPort: try LocalPort.free(.udp), setup: setup))
    }

    static func coa(_ hotspot: SimulatedHotspot, _ attributes: String, kind: String = "coa") async throws
        -> Radclient.Result
    {
        try await Radclient.send(kind, port: hotspot.coaPort, secret: Self.secret, attributes: attributes)
    }

    @Test func theManualsCoAListIncludesAscendRatesAndAForeignNASOrAClosedPortGetsNoChange() async throws {
        let hotspot = try await Self.lonelyRouter()
        // Ascend-Data-Rate is on the manual's list: looked up (no such session: 503), never 401.
        let ascend = try await Self.coa(
            hotspot, #"User-Name = "F2:00:00:00:41:01", Ascend-Data-Rate = 2000000"#)
        #expect(ascend.output.contains("CoA-NAK"), "\(ascend.output)")
        #expect(ascend.output.contains("Session-Context-Not-Found"), "\(ascend.output)")
        // Another vendor's attribute is not on it.
        let foreign = try await Self.coa(hotspot, #"User-Name = "F2:00:00:00:41:01", Cisco-AVPair = "x=y""#)
        #expect(foreign.output.contains("Unsupported-Attribute"), "\(foreign.output)")
        // A request naming another router's address is a NAS identification mismatch (RFC 5176 §3).
        let elsewhere = try await Self.coa(
            hotspot, #"User-Name = "F2:00:00:00:41:01", NAS-IP-Address = 10.9.9.9, Session-Timeout = 60"#)
        #expect(elsewhere.output.contains("NAS-Identification-Mismatch"), "\(elsewhere.output)")
        await hotspot.stop()

        // `/radius incoming accept=no`: nothing answers at all.
        var closed = RouterSetup()
        closed.incomingAccept = false
        let deaf = try await Self.lonelyRouter(closed)
        let unanswered = try await Self.coa(deaf, #"User-Name = "F2:00:00:00:41:01", Session-Timeout = 60"#)
        #expect(!unanswered.received, "\(unanswered.output)")
        #expect(deaf.events.contains { $0.contains("accept=no") }, "\(deaf.events)")
        await deaf.stop()
    }

    /// The daemon (router `venue-hap`, `strategy`) and a simulated hotspot wired to it.
    static func venue(
        strategy: String, hold: Bool = false, setup: RouterSetup = RouterSetup(),
        macAuthMode: SimulatedHotspot.MACAuthMode = .macAsUsername, loginTimeout: Double = 0.5,
        _ label: String = #function
    ) async throws -> (VenueDaemon, SimulatedHotspot) {
        let coaPort = try LocalPort.free(.udp)
        let venue = try VenueDaemon(coaPort: coaPort, strategy: strategy, label)
        try await venue.start()
        let (auth, acct) = try await #require(venue.process).waitForRadius()
        // hotspotpay's `coa` script: the paid profile puts its users in `hotspotpay-paid`, and the
        // forward rules let through only that list.
        let hotspot = try await SimulatedHotspot.start(
            .init(
                nasIdentifier: "venue-hap", secret: VenueDaemon.routerSecret, authPort: auth, accountingPort: acct,
                loginTimeoutSeconds: loginTimeout, profiles: ["default": true, "portal-only": true, "paid": true],
                profileAddressLists: hold ? ["paid": "hotspotpay-paid"] : [:],
                forwardHold: hold ? "hotspotpay-paid" : nil, macAuthMode: macAuthMode, setup: setup),
            coaPort: coaPort)
        return (venue, hotspot)
    }

    @Test func aGroupCoAAloneDoesNotLetADeviceThroughTheHoldAndAPaidOneGetsInByReauthentication() async throws {
        let (venue, hotspot) = try await Self.venue(strategy: "coa", hold: true)
        let mac = "F2:00:00:00:42:01"
        await hotspot.deviceAppears(mac: mac, ip: "10.5.50.61")
        #expect(hotspot.session(mac: mac)?.group == "portal-only" && !hotspot.reachesInternet(mac: mac))
        // Someone (or a daemon that trusts a Group CoA) switches the captive session's group:
        // RouterOS acknowledges, but the address list was applied at login and stays as it was.
        let coa = try await Radclient.send(
            "coa", port: hotspot.coaPort, secret: VenueDaemon.routerSecret,
            attributes: #"User-Name = "\#(mac)", Framed-IP-Address = 10.5.50.61, Mikrotik-Group = "paid""#)
        #expect(coa.output.contains("CoA-ACK"), "\(coa.output)")
        #expect(hotspot.session(mac: mac)?.group == "paid")
        #expect(!hotspot.reachesInternet(mac: mac), "a group change must not pass the hold: \(hotspot.events)")

        // A real purchase: the daemon ends the session, the router authenticates the device again,
        // and that login puts it in the paid list.
        let (transaction, _) = try await HotspotSimulatorTests.pay(venue, mac: mac)
        try await CheckoutEndToEndTests.eventually("the device is through the hold", timeout: 10) {
            hotspot.reachesInternet(mac: mac)
        }
        #expect(hotspot.session(mac: mac)?.addressLists == ["hotspotpay-paid"])
        let store = try CheckoutEndToEndTests.store(venue)
        try await CheckoutEndToEndTests.eventually("the router's new session confirms the unlock") {
            try await store.unlockJobs(transactionID: transaction.id).first?.status == .acked
        }
        #expect(hotspot.unpaidDevicesOnline(paid: [mac]).isEmpty)
        await hotspot.stop()
        try await venue.stop()
    }

    @Test func withoutTheHoldACaptiveDeviceIsOnlineUnpaidWhichIsWhyTheScriptInstallsIt() async throws {
        let (venue, hotspot) = try await Self.venue(strategy: "coa", hold: false)
        let mac = "F2:00:00:00:42:02"
        await hotspot.deviceAppears(mac: mac, ip: "10.5.50.62")
        #expect(hotspot.session(mac: mac)?.group == "portal-only")
        #expect(hotspot.unpaidDevicesOnline(paid: []) == [mac])
        await hotspot.stop()
        try await venue.stop()
    }

    @Test func whatTheAcceptSetsIsEnforcedAndTheCountersReachTheGrant() async throws {
        // The MAC retry after a session ends waits a login-timeout, time for the router's Stop to
        // be recorded first (a loaded run has taken longer than 0.5 s).
        let (venue, hotspot) = try await Self.venue(strategy: "login", loginTimeout: 2)
        let mac = "F2:00:00:00:42:03"
        await hotspot.deviceAppears(mac: mac, ip: "10.5.50.63")
        _ = try await HotspotSimulatorTests.pay(venue, mac: mac, plan: "1d")
        try await CheckoutEndToEndTests.eventually("the device is online", timeout: 10) {
            hotspot.reachesInternet(mac: mac)
        }
        // The venue's 1d plan: a day and 5 GB.
        let session = try #require(hotspot.session(mac: mac))
        let timeout = try #require(session.sessionTimeout)
        #expect((86_300...86_400).contains(timeout), "Session-Timeout \(timeout)")
        #expect(session.totalLimit == 5_000_000_000, "Total-Limit \(String(describing: session.totalLimit))")

        // An Interim-Update's counters come off the grant's data.
        let store = try CheckoutEndToEndTests.store(venue)
        await hotspot.deviceUses(mac: mac, uploadBytes: 100_000_000, downloadBytes: 900_000_000)
        await hotspot.reportInterim(mac: mac)
        try await CheckoutEndToEndTests.eventually("the interim update is counted") {
            try await store.activeGrant(mac: try MACAddress(mac))?.dataRemainingBytes == 4_000_000_000
        }
        // A Session-Timeout the router is told by CoA ends the session when it runs out; the
        // device's next authentication gets the grant's real time back.
        let shortened = try await Radclient.send(
            "coa", port: hotspot.coaPort, secret: VenueDaemon.routerSecret,
            attributes: #"User-Name = "\#(mac)", Acct-Session-Id = "\#(session.id)", Session-Timeout = 1"#)
        #expect(shortened.output.contains("CoA-ACK"), "\(shortened.output)")
        try await CheckoutEndToEndTests.eventually("the session timed out and a new one began", timeout: 10) {
            hotspot.session(mac: mac).map { $0.id != session.id } ?? false
        }
        #expect(hotspot.events.contains("\(mac): session timeout"), "\(hotspot.events)")
        let renewed = try #require(hotspot.session(mac: mac))
        #expect((86_000...86_400).contains(renewed.sessionTimeout ?? 0), "\(renewed)")
        #expect(renewed.totalLimit == 4_000_000_000, "the data left, not the plan's: \(renewed)")

        // Past the data left, the router ends the session; the Stop's counters use up the grant
        // and the device's next MAC authentication is refused.
        await hotspot.deviceUses(mac: mac, uploadBytes: 1_000_000_000, downloadBytes: 3_000_000_000)
        try await CheckoutEndToEndTests.eventually("the grant is used up", timeout: 10) {
            try await store.activeGrant(mac: try MACAddress(mac)).map { $0.dataRemainingBytes == 0 } ?? true
        }
        try await CheckoutEndToEndTests.eventually("the device is offline", timeout: 10) {
            !hotspot.reachesInternet(mac: mac)
        }
        #expect(hotspot.events.contains("\(mac): total limit reached"), "\(hotspot.events)")
        await hotspot.stop()
        try await venue.stop()
    }

    @Test(arguments: [
        ("XX-XX-XX-XX-XX-XX", SimulatedHotspot.MACAuthMode.macAsUsername),
        ("xxxxxxxxxxxx", .macAsUsernameAndPassword),
        ("XXXX.XXXX.XXXX", .macAsUsernameAndPassword),
    ])
    func aPaidDeviceGetsInByMACWhateverTheMACFormatAndMode(format: String, mode: SimulatedHotspot.MACAuthMode)
        async throws
    {
        var setup = RouterSetup()
        setup.radiusMACFormat = format
        let (venue, hotspot) = try await Self.venue(strategy: "login", setup: setup, macAuthMode: mode)
        let mac = "F2:00:00:00:42:04"
        await hotspot.deviceAppears(mac: mac, ip: "10.5.50.64")
        #expect(!hotspot.reachesInternet(mac: mac), "unpaid: \(hotspot.events)")
        _ = try await HotspotSimulatorTests.pay(venue, mac: mac)
        try await CheckoutEndToEndTests.eventually("online by MAC (\(format), \(mode.rawValue))", timeout: 10) {
            hotspot.reachesInternet(mac: mac)
        }
        #expect(hotspot.session(mac: mac)?.loginBy == "mac")
        await hotspot.stop()
        try await venue.stop()
    }

    @Test func useRadiusNoKeepsEvenAPaidDeviceOutAndAStaleLocalUserLetsAnUnpaidOneIn() async throws {
        var setup = RouterSetup()
        setup.useRadius = false
        let (venue, hotspot) = try await Self.venue(strategy: "login", setup: setup)
        let mac = "F2:00:00:00:42:05"
        await hotspot.deviceAppears(mac: mac, ip: "10.5.50.65")
        _ = try await HotspotSimulatorTests.pay(venue, mac: mac)
        try await Task.sleep(for: .seconds(2))
        #expect(!hotspot.reachesInternet(mac: mac), "the router never asked RADIUS: \(hotspot.events)")
        #expect(hotspot.events.contains { $0.contains("use-radius=no") }, "\(hotspot.events)")
        await hotspot.stop()

        // A local user named after a MAC is consulted before RADIUS: that device is in, unpaid.
        var stale = RouterSetup()
        stale.localUsers = ["F2:00:00:00:42:06"]
        let (auth, acct) = try await #require(venue.process).waitForRadius()
        let leaky = try await SimulatedHotspot.start(
            .init(
                nasIdentifier: "venue-hap", secret: VenueDaemon.routerSecret, authPort: auth, accountingPort: acct,
                setup: stale))
        await leaky.deviceAppears(mac: "F2:00:00:00:42:06", ip: "10.5.50.66")
        #expect(leaky.unpaidDevicesOnline(paid: []) == ["F2:00:00:00:42:06"])
        await leaky.stop()
        try await venue.stop()
    }
}
