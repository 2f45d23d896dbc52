import Foundation
import HotspotPayCore
import TestSupport
import Testing

/// Vouchers as a venue uses them: a manager makes a batch in the console and prints the sheet, a
/// guest types a code on the portal in a real browser, the router (FreeRADIUS standing in for it)
/// gets the CoA, and the device's next Access-Request is answered with the plan's attributes.
@Suite(.serialized) struct VoucherEndToEndTests {
    static let screenshots = Fixtures.repositoryRoot.appendingPathComponent(".build/test-output/screenshots/vouchers")
    static let password = "correct horse battery staple"

    @Test func aPrintedCodeTypedOnThePortalUnlocksTheDeviceThroughRADIUS() async throws {
        let peer = try await FreeRADIUSPeer(secret: VenueDaemon.routerSecret)
        let venue = try VenueDaemon(coaPort: peer.port)
        try await venue.start()
        #expect(try await venue.addOperator("lan", password: Self.password) == 0)
        let browser = try await HeadlessChromium.launch()
        try await browser.resize(width: 1240, height: 1754, mobile: false)
        let shots = Self.screenshots

        try await browser.navigate(venue.baseURL + "/admin/vouchers")
        try await browser.fill("#username", "lan")
        try await browser.fill("#password", Self.password)
        try await browser.click("#sign-in")
        try await browser.waitUntil("location.pathname === '/admin/vouchers' && document.readyState === 'complete'")
        _ = try await browser.evaluate("document.getElementById('voucher-plan').value = '1h'")
        try await browser.fill("#voucher-count", "12")
        try await browser.click("#voucher-make")
        try await browser.waitUntil(
            "location.search.indexOf('ok=vouchersMade') >= 0 && document.readyState === 'complete'")
        let cards = try await browser.evaluate("document.querySelectorAll('#voucher-cards .card svg').length") as? Int
        #expect(cards == 12)
        try await browser.screenshot(to: shots.appendingPathComponent("1-printed-sheet.png"))
        let code = try #require(
            try await browser.evaluate("document.querySelector('#voucher-cards .vcode').textContent") as? String)
        #expect(code.count == 14 && code.split(separator: "-").count == 3, "\(code)")

        // The guest's phone: the card's QR opens the portal with the code filled in.
        let mac = "F2:11:22:33:44:77"
        try await browser.resize(width: 390, height: 844, mobile: true)
        try await browser.navigate("\(venue.baseURL)/?mac=\(mac)&ip=10.5.50.31&router=venue-hap&code=\(code)")
        #expect(try await browser.evaluate("document.getElementById('voucher-code').value") as? String == code)
        try await browser.screenshot(to: shots.appendingPathComponent("2-code-on-plans-page.png"))
        try await browser.click("#voucher-submit")
        try await browser.waitUntil("location.pathname.indexOf('/pay/') === 0 && document.readyState === 'complete'")

        // The router is told at once: the captive session ends, and its next login carries the pass.
        let deadline = Date().addingTimeInterval(20)
        while !peer.requests.contains(where: { $0.hasPrefix("Disconnect-Request") }), Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let coa = try #require(peer.requests.first { $0.hasPrefix("Disconnect-Request") })
        #expect(coa.contains(#"Calling-Station-Id = "\#(mac)""#), "\(coa)")
        let process = try #require(venue.process)
        let (auth, acct) = try await process.waitForRadius(timeout: 30)
        let accept = try await Radclient.send(
            "auth", port: auth, secret: VenueDaemon.routerSecret,
            attributes: "User-Name = \"\(mac)\", Calling-Station-Id = \"\(mac)\", NAS-Identifier = \"venue-hap\", "
                + "Message-Authenticator = 0x00")
        #expect(accept.output.contains(#"Mikrotik-Group = "paid""#), "\(accept.output)")
        #expect(accept.output.contains(#"Mikrotik-Rate-Limit = "2M/10M""#), "\(accept.output)")
        let start = try await Radclient.send(
            "acct", port: acct, secret: VenueDaemon.routerSecret,
            attributes: "Acct-Status-Type = Start, Acct-Session-Id = \"voucher-1\", User-Name = \"\(mac)\", "
                + "Calling-Station-Id = \"\(mac)\", Framed-IP-Address = 10.5.50.31, NAS-Identifier = \"venue-hap\"")
        #expect(start.output.contains("Received Accounting-Response"), "\(start.output)")
        try await browser.waitUntil(
            "document.getElementById('page') && document.getElementById('page').getAttribute('data-state') === 'online'",
            timeout: 30)
        try await browser.screenshot(to: shots.appendingPathComponent("3-online.png"))

        // The sale is a voucher sale at the plan's price, once; the code cannot serve a second phone.
        let sales = try await venue.command(["transactions", "--json", "--provider", "voucher"])
        #expect(sales.status == 0, "\(sales.stderr)")
        let listed = try JSONSerialization.jsonObject(with: Data(sales.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(
            listed.count == 1 && listed.first?["status"] as? String == "paid"
                && listed.first?["amount"] as? Int == 10_000)
        try await browser.navigate(
            "\(venue.baseURL)/?mac=F2:11:22:33:44:78&ip=10.5.50.32&router=venue-hap&code=\(code)")
        try await browser.click("#voucher-submit")
        try await browser.waitUntil("document.querySelector('.error') !== null && document.readyState === 'complete'")
        #expect(try await browser.text.contains("Mã này đã được dùng hết"))
        try await venue.stop()
    }
}
