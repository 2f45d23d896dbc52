import Foundation
import HotspotPayCore
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The operator console as a new operator meets it: created on the command line, signed in
/// with a real browser against the real daemon, a plan and a router added through the forms, a
/// sandbox sale made from the guest portal, seen on the dashboard with its timeline, refunded.
@Suite(.serialized) struct ConsoleEndToEndTests {
    static let screenshots = Fixtures.repositoryRoot.appendingPathComponent(".build/test-output/screenshots/console")
    static let password = "correct horse battery staple"

    @Test func aNewOperatorSignsInAddsAPlanAndARouterSeesASaleAndRefundsIt() async throws {
        let peer = try await FreeRADIUSPeer(secret: VenueDaemon.routerSecret)
        let venue = try VenueDaemon(coaPort: peer.port)
        try await venue.start()
        let environment = ["HOTSPOTPAY_SECRET_KEY": venue.key]
        #expect(try await venue.addOperator("lan", password: Self.password) == 0)

        let browser = try await HeadlessChromium.launch()
        try await browser.resize(width: 1280, height: 900, mobile: false)
        let shots = Self.screenshots
        let admin = venue.baseURL + "/admin"

        // Signed out, the console sends the browser to the sign-in page.
        try await browser.navigate(admin + "/plans")
        #expect(try await browser.location.contains("/admin/login"))
        try await browser.screenshot(to: shots.appendingPathComponent("1-sign-in.png"))
        try await browser.fill("#username", "lan")
        try await browser.fill("#password", "wrong password here")
        try await browser.click("#sign-in")
        try await browser.waitUntil("document.querySelector('.error') !== null && document.readyState === 'complete'")
        try await browser.fill("#username", "lan")
        try await browser.fill("#password", Self.password)
        try await browser.click("#sign-in")
        try await browser.waitUntil("location.pathname === '/admin/plans' && document.readyState === 'complete'")

        // A plan, through the form.
        try await browser.fill("#plan-id", "2h")
        try await browser.fill("#plan-name-vi", "2 giờ")
        try await browser.fill("#plan-price", "15k")
        try await browser.fill("#plan-duration", "2h")
        try await browser.click("#plan-save")
        try await browser.waitUntil(
            "location.search.indexOf('ok=planAdded') >= 0 && document.readyState === 'complete'")
        #expect(try await browser.text.contains("2 giờ"))
        try await browser.screenshot(to: shots.appendingPathComponent("2-plans.png"))

        // A router, through the form; a misspelt attribute is refused with the reason.
        try await browser.navigate(admin + "/routers")
        try await browser.fill("#router-id", "lobby")
        try await browser.fill("#router-address", "127.0.0.2")
        try await browser.fill("input[name=secret]", "lobby-router-secret-0123")
        try await browser.fill("textarea[name=paid_attributes]", "Mikrotik-Grup = paid")
        try await browser.click("#router-save")
        try await browser.waitUntil("document.querySelector('.error') !== null && document.readyState === 'complete'")
        let refused = try await browser.evaluate("document.querySelector('.error').textContent") as? String ?? ""
        #expect(refused.contains("paid_attributes") && refused.contains("Mikrotik-Grup"), "\(refused)")
        try await browser.fill("input[name=secret]", "lobby-router-secret-0123")
        try await browser.fill("textarea[name=paid_attributes]", "Mikrotik-Group = paid")
        try await browser.click("#router-save")
        try await browser.waitUntil(
            "location.search.indexOf('ok=routerAdded') >= 0 && document.readyState === 'complete'")
        #expect(try await browser.text.contains("127.0.0.2"))
        try await browser.screenshot(to: shots.appendingPathComponent("3-routers.png"))
        // Its RouterOS setup script, from its page.
        try await browser.navigate(admin + "/routers/lobby")
        // Shown as text (inline), so an operator can copy it into the router's terminal.
        try await browser.click("#routeros-script")
        try await browser.waitUntil("location.pathname.endsWith('/routeros.rsc') && document.readyState === 'complete'")
        let script = try await browser.text
        #expect(script.contains("/radius") && script.contains("lobby-router-secret-0123"), "\(script)")

        // A guest buys the new plan on the portal and pays in the sandbox wallet.
        try await browser.navigate("\(venue.baseURL)/?mac=F2-11-22-33-44-66&ip=10.5.50.24&router=venue-hap")
        try await browser.click("input[name=plan][value='2h']")
        try await browser.click("button[type=submit]")
        try await browser.waitUntil("location.pathname.indexOf('/pay/') === 0 && document.readyState === 'complete'")
        try await browser.click("#pay")
        try await browser.waitUntil("location.pathname.indexOf('/sandbox/wallet/') === 0")
        try await browser.click("button[value=pay]")
        // The router (FreeRADIUS standing in for its CoA port) ends the captive session; the page
        // says "Connected" only once the router reports the device's new session.
        let deadline = Date().addingTimeInterval(20)
        while !peer.requests.contains(where: { $0.hasPrefix("Disconnect-Request") }), Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await browser.waitUntil(
            "document.getElementById('page') && document.getElementById('page').getAttribute('data-state') === 'paid'",
            timeout: 30)
        let (_, acct) = try await try #require(venue.process).waitForRadius(timeout: 30)
        let start = try await Radclient.send(
            "acct", port: acct, secret: VenueDaemon.routerSecret,
            attributes: "Acct-Status-Type = Start, Acct-Session-Id = \"console-1\", User-Name = \"F2:11:22:33:44:66\", "
                + "Calling-Station-Id = \"F2:11:22:33:44:66\", Framed-IP-Address = 10.5.50.24, "
                + "NAS-Identifier = \"venue-hap\"")
        #expect(start.output.contains("Received Accounting-Response"), "\(start.output)")
        try await browser.waitUntil(
            "document.getElementById('page') && document.getElementById('page').getAttribute('data-state') === 'online'",
            timeout: 30)

        // The dashboard shows it.
        try await browser.navigate(admin)
        let dashboard = try await browser.text
        #expect(dashboard.contains("15.000 ₫"), "\(dashboard)")
        #expect(dashboard.contains("F2:11:22:33:44:66"))
        try await browser.screenshot(to: shots.appendingPathComponent("4-dashboard.png"))

        // Its page tells the story, in order.
        try await browser.click("#sales a.code")
        try await browser.waitUntil(
            "location.pathname.indexOf('/admin/sales/') === 0 && document.readyState === 'complete'")
        let timeline =
            try await browser.evaluate(
                "Array.from(document.querySelectorAll('#timeline .step')).map(function(e){return e.textContent})")
            as? [String] ?? []
        for step in ["Tạo đơn", "Yêu cầu cổng TT", "Đã thanh toán", "Gửi CoA", "Router xác nhận"] {
            #expect(timeline.contains(step), "\(step) in \(timeline)")
        }
        #expect(timeline.first == "Tạo đơn")
        try await browser.screenshot(to: shots.appendingPathComponent("5-sale.png"))

        // Refund it.
        try await browser.fill("#refund-reason", "khách không dùng được")
        try await browser.click("#refund-submit")
        try await browser.waitUntil("location.search.indexOf('ok=refunded') >= 0 && document.readyState === 'complete'")
        #expect(
            try await browser.evaluate("document.getElementById('sale-status').textContent") as? String
                == "Đã hoàn tiền")
        #expect(try await browser.text.contains("khách không dùng được"))
        try await browser.screenshot(to: shots.appendingPathComponent("6-refunded.png"))

        // English works too.
        try await browser.navigate(admin + "?lang=en")
        #expect(try await browser.text.contains("Today at a glance"))

        // A script with a token sees the same.
        let token = try await DaemonProcess.run(
            ["tokens", "create", "--config", venue.config.path, "--username", "lan", "--name", "test script"],
            directory: venue.directory, environment: environment)
        #expect(token.status == 0, "\(token.stderr)")
        var request = URLRequest(url: URL(string: venue.baseURL + "/api/admin/transactions?status=refunded")!)
        request.setValue(
            "Bearer " + token.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
            forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let page = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(page?["total"] as? Int == 1)

        // /metrics: open to this host, closed to anything relayed by a proxy unless it has a token.
        let metricsURL = URL(string: venue.baseURL + "/metrics")!
        let (metricsData, metricsResponse) = try await URLSession.shared.data(from: metricsURL)
        #expect((metricsResponse as? HTTPURLResponse)?.statusCode == 200)
        let metrics = String(decoding: metricsData, as: UTF8.self)
        let samples = metrics.split(separator: "\n").filter { !$0.hasPrefix("#") }
        func sample(_ name: String, _ labels: [String]) -> Bool {
            samples.contains { line in line.hasPrefix(name + "{") && labels.allSatisfy { line.contains($0) } }
        }
        #expect(sample("hotspotpay_transactions", [#"status="refunded""#, #"provider="sandbox""#]), "\(metrics)")
        #expect(sample("hotspotpay_callbacks_total", [#"outcome="applied""#, #"provider="sandbox""#]))
        // The router acknowledged the Disconnect that ended the captive session.
        #expect(sample("hotspotpay_unlocks_total", [#"outcome="awaitConfirmation""#, #"action="disconnect""#]))
        #expect(sample("hotspotpay_unlock_latency_seconds_bucket", [#"action="disconnect""#]))
        var relayed = URLRequest(url: metricsURL)
        relayed.setValue("203.0.113.9", forHTTPHeaderField: "X-Forwarded-For")
        let (_, relayedResponse) = try await URLSession.shared.data(for: relayed)
        #expect((relayedResponse as? HTTPURLResponse)?.statusCode == 401)
        relayed.setValue(request.value(forHTTPHeaderField: "Authorization"), forHTTPHeaderField: "Authorization")
        let (_, tokenResponse) = try await URLSession.shared.data(for: relayed)
        #expect((tokenResponse as? HTTPURLResponse)?.statusCode == 200)
        try await venue.stop()
    }
}
