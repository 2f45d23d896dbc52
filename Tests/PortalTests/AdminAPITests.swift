import Foundation
import HotspotPayCore
import Hummingbird
import HummingbirdTesting
import Payments
import Store
import TestSupport
import Testing

@Suite struct AdminAPITests {
    @Test func plansAreCreatedReadAndChangedWithProblemsReportedPerField() async throws {
        let harness = try await AdminHarness()
        try await harness.app.test(.router) { client in
            let token = harness.token
            let made = try await AdminHarness.call(
                client, .post, "/api/admin/plans",
                json:
                    #"{"id":"5gb","name_vi":"5 GB","price":"50k","duration":"7d","data_cap":"5GB","download":"20M","upload":"5M","order":2}"#,
                token: token)
            #expect(made.status == .created)
            #expect(made.object["price"] as? Int == 50_000)
            #expect(made.object["data_cap_bytes"] as? Int == 5_000_000_000)
            let changed = try await AdminHarness.call(
                client, .patch, "/api/admin/plans/5gb", json: #"{"price":45000,"active":false}"#, token: token)
            #expect(changed.status == .ok)
            #expect(changed.object["active"] as? Bool == false)
            #expect(changed.object["duration_seconds"] as? Int == 7 * 86_400)
            let one = try await AdminHarness.call(client, .get, "/api/admin/plans/5gb", token: token)
            #expect(one.object["price"] as? Int == 45_000)
            let bad = try await AdminHarness.call(
                client, .post, "/api/admin/plans", json: #"{"id":"x y","name_vi":"","price":"free","duration":"soon"}"#,
                token: token)
            #expect(bad.status == .unprocessableContent)
            let fields = Set((bad.object["problems"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["name_vi", "price", "duration"])
            let notJSON = try await AdminHarness.call(client, .post, "/api/admin/plans", json: "{oops", token: token)
            #expect(notJSON.status == .unprocessableContent)
            let wrongType = try await AdminHarness.call(
                client, .patch, "/api/admin/plans/5gb", json: #"{"active":"yes"}"#, token: token)
            #expect(wrongType.status == .unprocessableContent)
            #expect(wrongType.body.contains("active"))
            // An explicit null would read as "left out" and change nothing; it is refused instead.
            let null = try await AdminHarness.call(
                client, .patch, "/api/admin/plans/5gb", json: #"{"active":null,"unknown":null}"#, token: token)
            #expect(null.status == .unprocessableContent)
            #expect(null.body.contains("active") && !null.body.contains("unknown"))
            let renamed = try await AdminHarness.call(
                client, .patch, "/api/admin/plans/5gb", json: #"{"id":"6gb","price":1000}"#, token: token)
            #expect(renamed.status == .unprocessableContent)
            let sameID = try await AdminHarness.call(
                client, .patch, "/api/admin/plans/5gb", json: #"{"id":"5gb","order":3}"#, token: token)
            #expect(sameID.status == .ok)
            #expect(
                try await AdminHarness.call(client, .get, "/api/admin/plans/none", token: token).status == .notFound)
            let duplicate = try await AdminHarness.call(
                client, .post, "/api/admin/plans", json: #"{"id":"1h","name_vi":"x","price":5000,"duration":"1h"}"#,
                token: token)
            #expect(duplicate.status == .conflict)
            let audit = try await AdminHarness.call(client, .get, "/api/admin/audit?kind=plan.", token: token)
            #expect(audit.array.filter { $0["actor"] as? String == "operator:lan" }.count == 3)
        }
    }

    @Test func routersNeverShowTheirSecretAndAttributesAreValidated() async throws {
        let harness = try await AdminHarness()
        try await harness.app.test(.router) { client in
            let token = harness.token
            let made = try await AdminHarness.call(
                client, .post, "/api/admin/routers",
                json:
                    #"{"id":"lobby","address":"10.0.0.30","secret":"lobby-secret-0123456789","coa_port":1700,"paid_attributes":["Mikrotik-Rate-Limit = 5M/5M"]}"#,
                token: token)
            #expect(made.status == .created)
            #expect(!made.body.contains("lobby-secret"))
            #expect(made.object["coa_port"] as? Int == 1700)
            let bad = try await AdminHarness.call(
                client, .patch, "/api/admin/routers/lobby", json: #"{"captive_attributes":["Not-An-Attribute = 1"]}"#,
                token: token)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains("Not-An-Attribute"))
            let list = try await AdminHarness.call(client, .get, "/api/admin/routers", token: token)
            #expect(list.array.count == 2)
            #expect(!list.body.contains("secret\""))
            #expect(!list.body.contains("router-secret"))
            #expect(
                try await AdminHarness.call(client, .delete, "/api/admin/routers/lobby", token: token).status
                    == .noContent)
            #expect(
                try await AdminHarness.call(client, .get, "/api/admin/routers/lobby", token: token).status == .notFound)
        }
    }

    @Test func salesAreSearchedExportedShownWithTheirTimelineAndRefunded() async throws {
        let harness = try await AdminHarness()
        let sale = try await harness.paidSale()
        try await harness.app.test(.router) { client in
            let token = harness.token
            let found = try await AdminHarness.call(client, .get, "/api/admin/transactions?status=paid", token: token)
            #expect(found.object["total"] as? Int == 1)
            #expect(
                (found.object["sales"] as? [[String: Any]])?.first?["order_code"] as? String
                    == sale.orderCode.description)
            let bad = try await AdminHarness.call(client, .get, "/api/admin/transactions?status=lost", token: token)
            #expect(bad.status == .unprocessableContent)
            let csv = try await AdminHarness.call(client, .get, "/api/admin/transactions.csv", token: token)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.body.split(separator: "\r\n").count == 2)
            let detail = try await AdminHarness.call(client, .get, "/api/admin/transactions/\(sale.id)", token: token)
            #expect(detail.object["refundable"] as? Int == 10_000)
            let steps = (detail.object["timeline"] as? [[String: Any]] ?? []).compactMap { $0["step"] as? String }
            #expect(steps.first == "created")
            #expect(steps.contains("paid"))
            let refund = try await AdminHarness.call(
                client, .post, "/api/admin/transactions/\(sale.id)/refund", json: #"{"reason":"test refund"}"#,
                token: token)
            #expect(refund.status == .created)
            #expect((refund.object["sale"] as? [String: Any])?["status"] as? String == "refunded")
            #expect((refund.object["grant"] as? [String: Any])?["status"] as? String == "revoked")
            let again = try await AdminHarness.call(
                client, .post, "/api/admin/transactions/\(sale.id)/refund", json: #"{"reason":"again"}"#, token: token)
            #expect(again.status == .conflict)
            let noReason = try await AdminHarness.call(
                client, .post, "/api/admin/transactions/\(sale.id)/refund", json: #"{"amount":1000}"#, token: token)
            #expect(noReason.status == .unprocessableContent)
            let today = VenueDay.today
            let revenue = try await AdminHarness.call(
                client, .get, "/api/admin/revenue?from=\(today)&to=\(today)&by=provider", token: token)
            #expect(revenue.array.first?["key"] as? String == "sandbox")
            #expect(revenue.array.first?["net"] as? Int == 0)
            #expect(revenue.array.first?["refunded"] as? Int == 10_000)
            let badRevenue = try await AdminHarness.call(client, .get, "/api/admin/revenue?by=week", token: token)
            #expect(badRevenue.status == .unprocessableContent)
        }
    }

    @Test func grantsAreExtendedAndRevokedAndTheDashboardAndSessionsAnswer() async throws {
        let harness = try await AdminHarness()
        let sale = try await harness.paidSale()
        let grant = try #require(try await harness.store.activeGrant(mac: sale.mac))
        try await harness.store.recordSession(
            RadiusSession(
                routerID: "cafe", acctSessionID: "s-1", mac: sale.mac, userName: sale.mac.description,
                framedIP: try IPAddress("10.5.50.7"), startedAt: Date(), updatedAt: Date()))
        try await harness.app.test(.router) { client in
            let token = harness.token
            let listed = try await AdminHarness.call(client, .get, "/api/admin/grants", token: token)
            #expect(listed.array.map { $0["id"] as? String } == [grant.id])
            let extended = try await AdminHarness.call(
                client, .post, "/api/admin/grants/\(grant.id)/extend",
                json: #"{"duration":"30m","reason":"router was down"}"#, token: token)
            #expect(extended.status == .ok)
            #expect((extended.object["seconds_left"] as? Int ?? 0) > 3600 + 1700)
            let badExtend = try await AdminHarness.call(
                client, .post, "/api/admin/grants/\(grant.id)/extend", json: #"{"duration":"forever","reason":""}"#,
                token: token)
            #expect(badExtend.status == .unprocessableContent)
            let sessions = try await AdminHarness.call(client, .get, "/api/admin/sessions", token: token)
            #expect(sessions.array.first?["framed_ip"] as? String == "10.5.50.7")
            let dashboard = try await AdminHarness.call(client, .get, "/api/admin/dashboard", token: token)
            #expect(dashboard.object["live_devices"] as? Int == 1)
            #expect((dashboard.object["today"] as? [String: Any])?["sales"] as? Int == 1)
            let revoked = try await AdminHarness.call(
                client, .post, "/api/admin/grants/\(grant.id)/revoke", json: #"{"reason":"abuse"}"#, token: token)
            #expect(revoked.object["status"] as? String == "revoked")
            let twice = try await AdminHarness.call(
                client, .post, "/api/admin/grants/\(grant.id)/revoke", json: #"{"reason":"abuse"}"#, token: token)
            #expect(twice.status == .conflict)
            let unknown = try await AdminHarness.call(
                client, .post, "/api/admin/grants/nope/revoke", json: #"{"reason":"abuse"}"#, token: token)
            #expect(unknown.status == .notFound)
        }
        // The extension sent a CoA with the new time, the revocation a Disconnect.
        let jobs = try await harness.store.dueUnlockJobs(at: Date().addingTimeInterval(1), limit: 10)
        #expect(jobs.contains { $0.action == .coa && $0.grantID == grant.id && $0.transactionID == sale.id })
        #expect(jobs.contains { $0.action == .disconnect && $0.grantID == grant.id })
    }

    @Test func moneyReceivedWithoutAccessIsListedOnTheDashboardAndResolvedOnce() async throws {
        let harness = try await AdminHarness()
        // The guest cancelled, then paid in the wallet anyway.
        let transaction = Fixtures.transaction()
        try await harness.store.insertTransaction(transaction, actor: "test")
        _ = try await harness.store.apply(
            .cancel, toTransaction: transaction.id, at: Date(), actor: "guest", detail: "")
        _ = await harness.sandbox.walletCallback(for: transaction, pay: true)
        guard
            case .paid(let reference, _) = await harness.sandbox.ledger.entry(ProviderOrderID(transaction).description)
        else { throw AdminHarness.Missing(what: "sandbox payment") }
        _ = try await harness.store.confirmPayment(
            PaymentConfirmation(
                transactionID: transaction.id, provider: .sandbox, providerReference: reference,
                amount: transaction.amount, at: Date(), actor: "provider:sandbox"))
        try await harness.app.test(.router) { client in
            let token = harness.token
            let dashboard = try await AdminHarness.call(client, .get, "/api/admin/dashboard", token: token)
            let listed = try #require(dashboard.object["unapplied_money"] as? [[String: Any]])
            #expect(listed.count == 1 && listed.first?["kind"] as? String == "unapplied")
            let id = try #require(listed.first?["id"] as? String)
            let (cookie, csrf) = try await AdminHarness.signIn(client)
            let page = try await AdminHarness.call(client, .get, "/admin", headers: [.cookie: cookie], token: nil)
            #expect(page.body.contains("Tiền đã nhận nhưng chưa mở mạng") && page.body.contains(reference))
            let bad = try await AdminHarness.call(
                client, .post, "/api/admin/unapplied-payments/\(id)/resolve", json: #"{"action":"keep","note":"x"}"#,
                token: token)
            #expect(bad.status == .unprocessableContent)
            // Refunded through the provider, from the dashboard's form.
            let done = try await AdminHarness.form(
                client, "/admin/unapplied/\(id)",
                [("_csrf", csrf), ("action", "refund"), ("note", "guest asked for the money back")], cookie: cookie)
            #expect(done.status == .seeOther && done.location == "/admin?ok=unapplied_resolved", "\(done.body)")
            let again = try await AdminHarness.call(
                client, .post, "/api/admin/unapplied-payments/\(id)/resolve",
                json: #"{"action":"dismiss","note":"twice"}"#, token: token)
            #expect(again.status == .conflict)
            let all = try await AdminHarness.call(
                client, .get, "/api/admin/unapplied-payments?open=false", token: token)
            #expect(all.array.first?["resolution"] as? String == "refunded")
            #expect((all.array.first?["note"] as? String)?.contains("provider reference SBR") == true)
            let open = try await AdminHarness.call(client, .get, "/api/admin/unapplied-payments", token: token)
            #expect(open.array.isEmpty)
        }
        #expect(await harness.sandbox.ledger.entry(ProviderOrderID(transaction).description) != nil)
        let kinds = try await harness.store.auditEvents(transactionID: transaction.id).map(\.kind)
        #expect(kinds.contains(.paymentUnapplied) && kinds.last == .unappliedResolved)
    }

    @Test func theAPIAnswersAsItsOpenAPIFileDeclares() async throws {
        let harness = try await AdminHarness()
        try await harness.app.test(.router) { client in
            let token = harness.token
            // A method a resource does not take: 405 with what it does take, whatever the method.
            for method in [HTTPRequest.Method.put, .trace, HTTPRequest.Method(rawValue: "QUERY")!] {
                let reply = try await AdminHarness.call(client, method, "/api/admin/plans", token: token)
                #expect(reply.status == .methodNotAllowed, "\(method)")
                #expect(reply.headers[.allow] == "GET, POST", "\(method)")
            }
            let delete = try await AdminHarness.call(client, .delete, "/api/admin/plans/1h", token: token)
            #expect(delete.status == .methodNotAllowed && delete.headers[.allow] == "GET, PATCH")
            // Declared bounds are enforced.
            for uri in [
                "/api/admin/audit?limit=1001", "/api/admin/grants?offset=null", "/api/admin/grants?offset=-1",
                "/api/admin/sessions?limit=0", "/api/admin/unapplied-payments?open=maybe",
                "/api/admin/transactions?to=2192-06-31", "/api/admin/revenue?from=2026-02-29",
            ] {
                let reply = try await AdminHarness.call(client, .get, uri, token: token)
                #expect(reply.status == .unprocessableContent, "\(uri): \(reply.status)")
            }
            // A declared-valid range is answered, even a long or an empty one.
            for uri in ["/api/admin/revenue?from=2000-01-01", "/api/admin/revenue?from=2026-12-01&to=2026-11-01"] {
                let reply = try await AdminHarness.call(client, .get, uri, token: token)
                #expect(reply.status == .ok, "\(uri): \(reply.status) \(reply.body)")
            }
            #expect(
                try await AdminHarness.call(client, .get, "/api/admin/revenue?from=2028-02-29", token: token).status
                    == .ok)
        }
    }

    @Test func operatorsAreAddedDisabledAndGivenNewPasswords() async throws {
        let harness = try await AdminHarness()
        try await harness.app.test(.router) { client in
            let token = harness.token
            let added = try await AdminHarness.call(
                client, .post, "/api/admin/operators",
                json: #"{"username":"minh","password":"another long passphrase","display_name":"Minh"}"#, token: token)
            #expect(added.status == .created)
            #expect(!added.body.contains("passphrase"))
            let weak = try await AdminHarness.call(
                client, .post, "/api/admin/operators", json: #"{"username":"tu","password":"123"}"#, token: token)
            #expect(weak.status == .unprocessableContent)
            #expect(
                try await AdminHarness.call(client, .post, "/api/admin/operators/minh/disable", token: token).status
                    == .noContent)
            let list = try await AdminHarness.call(client, .get, "/api/admin/operators", token: token)
            #expect(list.array.first { $0["username"] as? String == "minh" }?["disabled"] as? Bool == true)
            #expect(!list.body.contains("$y$"))
            let password = try await AdminHarness.call(
                client, .post, "/api/admin/operators/lan/password", json: #"{"password":"a brand new passphrase"}"#,
                token: token)
            #expect(password.status == .noContent)
            let me = try await AdminHarness.call(client, .get, "/api/admin/me", token: token)
            #expect(me.object["username"] as? String == "lan")
        }
    }
}

enum VenueDay {
    static var today: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
