import Foundation
import HotspotPayCore
import HotspotSimulator
import TestSupport
import Testing

/// The browser path end to end, through real pages only: the simulated router serves the
/// project's own `login.html` (RouterOS fills its `$(variables)`, with a fresh CHAP challenge per
/// page), which sends the phone to the portal; the guest pays in the sandbox wallet; the paid page
/// posts the CHAP answer to the router's `/login`, which asks the daemon's RADIUS server and sends
/// the browser on to `dst`. Nothing here computes a router's answer with the daemon's helpers.
@Suite(.serialized) struct HotspotWebLoginTests {
    static func venue(loginBy: [String], _ label: String = #function) async throws -> (VenueDaemon, SimulatedHotspot) {
        let coaPort = try LocalPort.free(.udp)
        // The portal believes a login URL only on the router's hotspot address: here, loopback.
        let venue = try VenueDaemon(coaPort: coaPort, strategy: "login", hotspotAddress: "127.0.0.1", label)
        try await venue.start()
        let (auth, acct) = try await #require(venue.process).waitForRadius()
        let template = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("portal/mikrotik/login.html"), encoding: .utf8
        ).replacingOccurrences(of: "HOTSPOTPAY_PORTAL_URL", with: venue.baseURL)
        var setup = RouterSetup()
        setup.loginByOthers = loginBy
        // No MAC authentication and no REST API: only the browser's login can let the device in.
        let hotspot = try await SimulatedHotspot.start(
            .init(
                nasIdentifier: "venue-hap", secret: VenueDaemon.routerSecret, authPort: auth, accountingPort: acct,
                // The walk, not the challenge's expiry, is what is judged: a loaded run has taken
                // over a minute from the router's page to the paid page.
                // A loaded run (every suite at once on two cores) has kept the daemon's answer past
                // three 1 s tries; a refused login would end this walk at the portal's error.
                loginByMAC: false, radiusTimeoutSeconds: 3, setup: setup,
                loginPage: .init(template: template, challengeLifetimeSeconds: 600)),
            coaPort: coaPort)
        return (venue, hotspot)
    }

    @Test func aGuestWhoPaysWithThePageOpenIsLoggedInByTheRoutersOwnLoginForm() async throws {
        let (venue, hotspot) = try await Self.venue(loginBy: ["http-chap"])
        let mac = "F2:00:00:00:43:01"
        await hotspot.deviceAppears(mac: mac, ip: "10.5.50.71")
        hotspot.openBrowser(mac: mac)
        let loginURL = try #require(hotspot.loginURL)
        let status = loginURL.replacingOccurrences(of: "/login", with: "/status")
        let browser = try await HeadlessChromium.launch()
        try await browser.resize(width: 390, height: 844, mobile: true)
        // The phone asks for a page; the router shows its login.html, which sends it to the portal.
        try await browser.navigate(loginURL + "?dst=" + status)
        try await browser.waitUntil(
            "location.href.indexOf('\(venue.baseURL)') === 0 && document.readyState === 'complete'")
        #expect(try await browser.text.contains("Chọn gói truy cập"))
        try await browser.click("button[type=submit]")
        try await browser.waitUntil("location.pathname.indexOf('/pay/') === 0 && document.readyState === 'complete'")
        let id = try await browser.location.components(separatedBy: "/pay/")[1].prefix { $0 != "?" }
        try await browser.navigate(venue.baseURL + "/sandbox/wallet/\(id)")
        try await browser.click("button[value=pay]")
        // Back on the paid page, it posts the router's login form; the router sends the browser to
        // dst, unless the page, told "online" by its status stream first, reloads itself as
        // "Connected" (seen on a loaded run). Either way the router logged the device in.
        let arrived =
            "(location.href === '\(status)' || (document.getElementById('page') && "
            + "document.getElementById('page').getAttribute('data-state') === 'online')) && document.readyState === 'complete'"
        do {
            try await browser.waitUntil(arrived, timeout: 60)
        } catch {
            let (location, text) = (try await browser.location, try await browser.text)
            Issue.record("neither at dst nor Connected: \(location)\n\(text)\nrouter: \(hotspot.events)")
            throw error
        }
        if try await browser.location == status {
            #expect(try await browser.text.contains("You are logged in"))
        } else {
            #expect(try await browser.text.contains("Đã kết nối Internet"))
        }
        let session = try #require(hotspot.session(mac: mac), "\(hotspot.events)")
        #expect(session.loginBy == "http-chap" && hotspot.reachesInternet(mac: mac))
        let store = try CheckoutEndToEndTests.store(venue)
        try await CheckoutEndToEndTests.eventually("the job says the browser unlocked it") {
            try await store.unlockJobs(transactionID: String(id)).first?.unlockedBy == .browser
        }
        // A second login page means a new challenge: the old one is never good again.
        #expect(hotspot.events.filter { $0.contains("login page shown") }.count >= 1)
        await hotspot.stop()
        try await venue.stop()
    }

    @Test func aRouterWhoseLoginByListsNeitherBrowserMethodRefusesTheFormAndTheGuestWaitsForAnotherPath()
        async throws
    {
        let (venue, hotspot) = try await Self.venue(loginBy: ["cookie"])
        let mac = "F2:00:00:00:43:02"
        await hotspot.deviceAppears(mac: mac, ip: "10.5.50.72")
        hotspot.openBrowser(mac: mac)
        let loginURL = try #require(hotspot.loginURL)
        let browser = try await HeadlessChromium.launch()
        try await browser.navigate(loginURL)
        try await browser.waitUntil(
            "location.href.indexOf('\(venue.baseURL)') === 0 && document.readyState === 'complete'")
        try await browser.click("button[type=submit]")
        try await browser.waitUntil("location.pathname.indexOf('/pay/') === 0 && document.readyState === 'complete'")
        let id = try await browser.location.components(separatedBy: "/pay/")[1].prefix { $0 != "?" }
        try await browser.navigate(venue.baseURL + "/sandbox/wallet/\(id)")
        try await browser.click("button[value=pay]")
        // No CHAP challenge on the router's page (login-by has no http-chap) and a plain-HTTP
        // portal: the paid page offers no form, and a hand-made post is refused by the router.
        try await browser.waitUntil("location.pathname.indexOf('/pay/') === 0 && document.readyState === 'complete'")
        try await Task.sleep(for: .seconds(2))
        #expect(hotspot.session(mac: mac) == nil, "\(hotspot.events)")
        let posted = try await HTTP.postForm(URL(string: loginURL)!, "username=\(mac)&password=guess&dst=")
        #expect(posted.status == 200 && String(decoding: posted.body, as: UTF8.self).contains("error=invalid"))
        #expect(hotspot.events.contains { $0.contains("method login-by does not list") }, "\(hotspot.events)")
        #expect(!hotspot.reachesInternet(mac: mac))
        await hotspot.stop()
        try await venue.stop()
    }
}
