import Foundation
import HotspotPayCore
import Hummingbird
import HummingbirdTesting
import Store
import Testing

/// The console's counter pages as a cashier uses them, signed in with the session cookie.
@Suite struct CounterPagesTests {
    @Test func theDevicesPageSellsForCashAndTheSalePageOffersTheTwoStuckSaleButtons() async throws {
        let harness = try await AdminHarness()
        try await harness.app.test(.router) { client in
            let (cookie, csrf) = try await AdminHarness.signIn(client)
            let devices = try await AdminHarness.call(
                client, .get, "/admin/devices", headers: [.cookie: cookie], token: nil)
            #expect(devices.status == .ok && devices.body.contains(#"id="cash-sale""#), "\(devices.body)")
            let code = DeviceCode(mac: try MACAddress("F2:00:00:00:21:01")).description
            // A device the venue has never seen: the form comes back asking the cashier to confirm.
            let asked = try await AdminHarness.form(
                client, "/admin/cash-sales", [("_csrf", csrf), ("device", code), ("plan", "1h")], cookie: cookie)
            #expect(asked.status == .unprocessableContent && asked.body.contains(#"id="confirm-unseen""#))
            let sold = try await AdminHarness.form(
                client, "/admin/cash-sales",
                [("_csrf", csrf), ("device", code), ("plan", "1h"), ("confirm_unseen", "1")], cookie: cookie)
            #expect(sold.status == .seeOther, "\(sold.body)")
            let location = try require2(sold.headers[.location])
            #expect(location.hasPrefix("/admin/sales/") && location.hasSuffix("?ok=cashSold"))
            let sale = try await AdminHarness.call(client, .get, location, headers: [.cookie: cookie], token: nil)
            #expect(sale.body.contains(#"id="recheck""#) && sale.body.contains(#"id="resend-unlock""#))
            // A mistyped code: the form again, what was typed kept, the problem named.
            let refused = try await AdminHarness.form(
                client, "/admin/cash-sales", [("_csrf", csrf), ("device", "K7QX2"), ("plan", "1h")], cookie: cookie)
            #expect(refused.status == .unprocessableContent && refused.body.contains("K7QX2"), "\(refused.status)")
        }
    }
}

/// Another system (a hotel's PMS) selling access through the operator API.
@Suite struct ExternalSalesAPITests {
    @Test func aCheckInCallIsCreatedOnceAndItsRetryAnswers200WithTheSameSale() async throws {
        let harness = try await AdminHarness()
        try await harness.app.test(.router) { client in
            let json = #"{"plan":"1h","device":"F2:00:00:00:23:01","reference":"PMS-311"}"#
            let first = try await AdminHarness.call(
                client, .post, "/api/admin/external-sales", json: json, token: harness.token)
            #expect(first.status == .created, "\(first.body)")
            let again = try await AdminHarness.call(
                client, .post, "/api/admin/external-sales", json: json, token: harness.token)
            #expect(again.status == .ok)
            let id = { (body: String) in
                ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]).flatMap {
                    ($0["sale"] as? [String: Any])?["id"] as? String
                }
            }
            #expect(id(first.body) != nil && id(first.body) == id(again.body), "\(again.body)")
            #expect(first.body.contains(#""provider":"external""#))
        }
    }
}
