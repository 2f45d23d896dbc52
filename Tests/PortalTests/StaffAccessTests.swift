import Foundation
import HotspotPayCore
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

@testable import Portal

/// Staff roles on every API operation, page and token.
@Suite struct StaffAccessTests {
    /// Bearer tokens of a manager and a cashier beside the harness's owner `lan`.
    static func tokens(_ harness: AdminHarness) async throws -> [StaffRole: String] {
        var tokens: [StaffRole: String] = [.owner: harness.token]
        for role in [StaffRole.manager, .cashier] {
            let person = try await harness.console.accounts.addOperator(
                username: role.rawValue, displayName: "", password: AdminHarness.password, role: role, actor: "test")
            tokens[role] = try await harness.console.accounts.createToken(name: "t", for: person, actor: "test").secret
        }
        return tokens
    }

    @Test func everyOperationRefusesExactlyTheRolesBelowTheOneItNeeds() async throws {
        let harness = try await AdminHarness()
        let tokens = try await Self.tokens(harness)
        try await harness.app.test(.router) { client in
            for (method, listed) in AdminAuthTests.apiEndpoints {
                // Not `lan`: the owner would disable or demote the very token the walk runs on.
                let path = listed.replacingOccurrences(of: "/operators/lan/", with: "/operators/nobody/")
                let relative = String(path.dropFirst("/api/admin/".count))
                let needed = StaffAccess.permission(.api, method: method, path: relative, query: [:])
                #expect(needed != .staff || relative.hasPrefix("operators") || relative.hasPrefix("tokens"))
                for role in StaffRole.allCases {
                    let reply = try await AdminHarness.call(client, method, path, json: "{}", token: tokens[role])
                    if role.allows(needed) {
                        #expect(reply.status != .forbidden, "\(role) \(method) \(path): \(reply.body)")
                    } else {
                        #expect(reply.status == .forbidden, "\(role) \(method) \(path)")
                        #expect(
                            reply.object["error"] as? String
                                == "\(role.rawValue) is a \(role.rawValue); this needs a \(StaffRole.least(for: needed).rawValue) or above (\(needed.rawValue))"
                        )
                    }
                }
            }
        }
    }

    @Test func aCashierSellsAndLooksUpOneDeviceButCannotRefundReportOrManage() async throws {
        let harness = try await AdminHarness()
        let tokens = try await Self.tokens(harness)
        let sale = try await harness.paidSale()
        try await harness.app.test(.router) { client in
            func status(_ role: StaffRole, _ method: HTTPRequest.Method, _ path: String, _ json: String? = nil)
                async throws -> HTTPResponse.Status
            {
                try await AdminHarness.call(client, method, path, json: json, token: tokens[role]).status
            }
            let me = try await AdminHarness.call(client, .get, "/api/admin/me", token: tokens[.cashier])
            #expect(me.object["role"] as? String == "cashier")
            // The counter's work.
            #expect(try await status(.cashier, .get, "/api/admin/transactions?mac=\(sale.mac)") == .ok)
            #expect(try await status(.cashier, .get, "/api/admin/transactions?order=\(sale.orderCode)") == .ok)
            #expect(try await status(.cashier, .get, "/api/admin/transactions/\(sale.id)") == .ok)
            #expect(
                try await status(.cashier, .post, "/api/admin/cash-sales", #"{"plan":"1h","device":"zz"}"#)
                    != .forbidden)
            #expect(try await status(.cashier, .post, "/api/admin/transactions/\(sale.id)/recheck") != .forbidden)
            // Not the cashier's: money, reports, the catalog, routers, staff.
            #expect(
                try await status(.cashier, .post, "/api/admin/transactions/\(sale.id)/refund", #"{"reason":"x"}"#)
                    == .forbidden)
            #expect(try await status(.cashier, .get, "/api/admin/transactions") == .forbidden)
            #expect(try await status(.cashier, .get, "/api/admin/transactions.csv?mac=\(sale.mac)") == .forbidden)
            #expect(try await status(.cashier, .get, "/api/admin/revenue") == .forbidden)
            #expect(try await status(.cashier, .get, "/api/admin/dashboard") == .forbidden)
            #expect(try await status(.cashier, .get, "/api/admin/audit") == .forbidden)
            #expect(try await status(.cashier, .patch, "/api/admin/plans/1h", #"{"price":1}"#) == .forbidden)
            #expect(try await status(.cashier, .get, "/api/admin/routers") == .forbidden)
            #expect(try await status(.cashier, .post, "/api/admin/external-sales", "{}") == .forbidden)
            // A manager runs the venue but not its staff.
            #expect(try await status(.manager, .get, "/api/admin/revenue") == .ok)
            #expect(try await status(.manager, .get, "/api/admin/transactions") == .ok)
            #expect(try await status(.manager, .get, "/api/admin/operators") == .forbidden)
            #expect(try await status(.manager, .post, "/api/admin/tokens", #"{"name":"mine"}"#) == .forbidden)
            // The refund the cashier could not make is the manager's.
            let refund = "/api/admin/transactions/\(sale.id)/refund"
            #expect(try await status(.manager, .post, refund, #"{"reason":"wrong plan"}"#) == .created)
            // Anyone may change their own password, nobody else's without the staff permission.
            #expect(
                try await status(
                    .cashier, .post, "/api/admin/operators/cashier/password", #"{"password":"a new long passphrase"}"#)
                    == .noContent)
            #expect(
                try await status(
                    .cashier, .post, "/api/admin/operators/manager/password", #"{"password":"a new long passphrase"}"#)
                    == .forbidden)
            // A change of role reaches an existing token at once.
            let promoted = try await AdminHarness.call(
                client, .post, "/api/admin/operators/cashier/role", json: #"{"role":"manager"}"#, token: tokens[.owner])
            #expect(promoted.status == .ok)
            #expect(try await status(.cashier, .get, "/api/admin/revenue") == .ok)
        }
        #expect(try await harness.store.operators().first { $0.username == "cashier" }?.role == .manager)
    }

    @Test func theLastOwnerStaysOwnerAndEnabled() async throws {
        let harness = try await AdminHarness()
        _ = try await Self.tokens(harness)
        try await harness.app.test(.router) { client in
            let demote = try await AdminHarness.call(
                client, .post, "/api/admin/operators/lan/role", json: #"{"role":"manager"}"#, token: harness.token)
            #expect(demote.status == .conflict)
            #expect(demote.body.contains("only enabled owner"))
            let disable = try await AdminHarness.call(
                client, .post, "/api/admin/operators/lan/disable", token: harness.token)
            #expect(disable.status == .conflict)
            let unknown = try await AdminHarness.call(
                client, .post, "/api/admin/operators/cashier/role", json: #"{"role":"boss"}"#, token: harness.token)
            #expect(unknown.status == .unprocessableContent)
            // With a second owner, the first may step down.
            let second = try await AdminHarness.call(
                client, .post, "/api/admin/operators/manager/role", json: #"{"role":"owner"}"#, token: harness.token)
            #expect(second.status == .ok)
            let stepDown = try await AdminHarness.call(
                client, .post, "/api/admin/operators/lan/role", json: #"{"role":"manager"}"#, token: harness.token)
            #expect(stepDown.status == .ok)
        }
        let audit = try await harness.store.recentAuditEvents(limit: 50)
        #expect(audit.contains { $0.detail == "made lan manager" && $0.actor == "operator:lan" })
    }

    @Test func theConsoleShowsACashierTheCounterAndRefusesTheRest() async throws {
        let harness = try await AdminHarness()
        let tokens = try await Self.tokens(harness)
        try await harness.app.test(.router) { client in
            // The cashier's own sale today is theirs to see; nobody else's.
            let sold = try await AdminHarness.call(
                client, .post, "/api/admin/cash-sales",
                json: #"{"plan":"1h","device":"F2:00:00:00:00:31","confirm_unseen":true}"#,
                token: tokens[.cashier])
            #expect(sold.status == .created, "\(sold.body)")
            let cashier = try await AdminHarness.signIn(client, username: "cashier")
            let home = try await AdminHarness.call(
                client, .get, "/admin", headers: [.cookie: cashier.cookie], token: nil)
            #expect(home.status == .seeOther)
            #expect(home.location == "/admin/devices")
            let counter = try await AdminHarness.call(
                client, .get, "/admin/devices", headers: [.cookie: cashier.cookie], token: nil)
            #expect(counter.status == .ok)
            #expect(!counter.body.contains("href=\"/admin/revenue\""))
            #expect(counter.body.contains("<b>1</b> · <b>10.000 ₫</b>"), "\(counter.body)")
            #expect(!counter.body.contains("href=\"/admin/operators\""))
            for page in AdminAuthTests.pages
            where page != "/admin" && page != "/admin/devices" && page != "/admin/sales/x"
                && !page.hasPrefix("/admin/vouchers")
            {
                let reply = try await AdminHarness.call(
                    client, .get, page, headers: [.cookie: cashier.cookie], token: nil)
                #expect(reply.status == .forbidden, "\(page)")
            }
            let refund = try await AdminHarness.form(
                client, "/admin/sales/x/refund", [("_csrf", cashier.csrf), ("reason", "x")], cookie: cashier.cookie)
            #expect(refund.status == .forbidden)
            // A password the rules refuse: an error page, not the Operators page (every operator,
            // role, token name and prefix).
            let weak = try await AdminHarness.form(
                client, "/admin/operators/cashier/password", [("_csrf", cashier.csrf), ("password", "x")],
                cookie: cashier.cookie)
            #expect(weak.status.code >= 400 && weak.status.code < 500, "\(weak.status)")
            for leak in ["lan", "manager", "tests", "hpt_"] {
                #expect(!weak.body.contains(">\(leak)<") && !weak.body.contains("hpt_"), "\(leak) on the error page")
            }
            #expect(!weak.body.contains("/admin/operators/lan/"))
            let owner = try await AdminHarness.signIn(client)
            let ownerCounter = try await AdminHarness.call(
                client, .get, "/admin/devices", headers: [.cookie: owner.cookie], token: nil)
            #expect(ownerCounter.body.contains("href=\"/admin/revenue\""))
            #expect(ownerCounter.body.contains("<b>0</b> · <b>0 ₫</b>"))
        }
    }

    @Test func everyPageAndFormHasATableEntry() {
        for page in AdminAuthTests.pages {
            let relative = page == "/admin" ? "" : String(page.dropFirst("/admin/".count))
            #expect(
                StaffAccess.pages.keys.contains { entry in Self.matches(entry, "GET", relative) }, "GET \(page)")
        }
        for form in AdminAuthTests.formPosts {
            let relative = String(form.dropFirst("/admin/".count))
            #expect(StaffAccess.pages.keys.contains { Self.matches($0, "POST", relative) }, "POST \(form)")
        }
    }

    static func matches(_ entry: String, _ method: String, _ path: String) -> Bool {
        let parts = entry.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts[0] == method else { return false }
        let template = parts.count > 1 ? parts[1].split(separator: "/") : []
        let segments = path.split(separator: "/")
        return template.count == segments.count && zip(template, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}

/// `/metrics` holds sales counters: the roles that read reports, or a scrape from this host.
@Suite struct MetricsAccessTests {
    @Test func aCashiersTokenIsRefusedTheSalesCounters() async throws {
        let harness = try await AdminHarness()
        let tokens = try await StaffAccessTests.tokens(harness)
        let router = Hummingbird.Router(context: PortalRequestContext.self)
        MetricsRoute(registry: PrometheusCollectorRegistry(), accounts: harness.console.accounts, collect: {})
            .register(on: router)
        try await Application(router: router).test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for token in [tokens[.cashier], tokens[.manager], tokens[.owner], "hpt_not-a-token", nil] {
                statuses.append(try await AdminHarness.call(client, .get, "/metrics", token: token).status)
            }
            #expect(statuses == [.forbidden, .ok, .ok, .unauthorized, .unauthorized], "\(statuses)")
            // (The last: in-process requests have no loopback peer, so no token is refused.)
        }
    }
}
