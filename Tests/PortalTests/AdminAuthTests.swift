import Foundation
import HotspotPayCore
import Hummingbird
import HummingbirdTesting
import Payments
import Testing

@Suite struct AdminAuthTests {
    /// Every admin endpoint, with a body where it takes one.
    static let apiEndpoints: [(HTTPRequest.Method, String)] = [
        (.get, "/api/admin/me"), (.get, "/api/admin/dashboard"), (.get, "/api/admin/plans"),
        (.post, "/api/admin/plans"), (.get, "/api/admin/plans/1h"), (.patch, "/api/admin/plans/1h"),
        (.get, "/api/admin/routers"), (.post, "/api/admin/routers"), (.get, "/api/admin/routers/cafe"),
        (.patch, "/api/admin/routers/cafe"), (.delete, "/api/admin/routers/cafe"),
        (.get, "/api/admin/routers/cafe/doctor"), (.get, "/api/admin/transactions"),
        (.get, "/api/admin/transactions.csv"), (.get, "/api/admin/transactions/x"),
        (.post, "/api/admin/transactions/x/refund"), (.post, "/api/admin/transactions/x/recheck"),
        (.post, "/api/admin/transactions/x/unlock"), (.post, "/api/admin/cash-sales"),
        (.post, "/api/admin/external-sales"), (.get, "/api/admin/grants"),
        (.post, "/api/admin/grants/x/extend"),
        (.post, "/api/admin/grants/x/revoke"), (.get, "/api/admin/sessions"), (.get, "/api/admin/revenue"),
        (.get, "/api/admin/audit"), (.get, "/api/admin/operators"), (.post, "/api/admin/operators"),
        (.post, "/api/admin/operators/lan/password"), (.post, "/api/admin/operators/lan/disable"),
        (.post, "/api/admin/operators/lan/enable"), (.post, "/api/admin/operators/lan/role"),
        (.get, "/api/admin/tokens"), (.post, "/api/admin/tokens"),
        (.delete, "/api/admin/tokens/x"), (.post, "/api/admin/refunds/x/check"),
        (.post, "/api/admin/refunds/x/resolve"), (.get, "/api/admin/unapplied-payments"),
        (.post, "/api/admin/unapplied-payments/x/resolve"), (.get, "/api/admin/voucher-batches"),
        (.post, "/api/admin/voucher-batches"), (.get, "/api/admin/voucher-batches/x"),
        (.get, "/api/admin/voucher-batches/x/codes.csv"), (.post, "/api/admin/voucher-batches/x/revoke"),
        (.get, "/api/admin/webhooks"), (.post, "/api/admin/webhooks"), (.get, "/api/admin/webhooks/x"),
        (.patch, "/api/admin/webhooks/x"), (.delete, "/api/admin/webhooks/x"), (.post, "/api/admin/webhooks/x/test"),
        (.get, "/api/admin/webhooks/x/deliveries"), (.get, "/api/admin/webhook-deliveries/1"),
        (.post, "/api/admin/webhook-deliveries/1/retry"), (.get, "/api/admin/provider-keys"),
        (.patch, "/api/admin/provider-keys/momo"),
    ]

    static let pages = [
        "/admin", "/admin/sales", "/admin/sales/x", "/admin/devices", "/admin/plans", "/admin/plans/1h",
        "/admin/routers", "/admin/routers/cafe", "/admin/routers/cafe/routeros.rsc",
        "/admin/routers/cafe/doctor", "/admin/revenue", "/admin/audit",
        "/admin/operators", "/admin/vouchers", "/admin/vouchers/x", "/admin/vouchers/x/codes.csv",
        "/admin/webhooks", "/admin/webhooks/x", "/admin/payments",
    ]

    static let formPosts = [
        "/admin/plans", "/admin/plans/1h", "/admin/routers", "/admin/routers/cafe", "/admin/routers/cafe/remove",
        "/admin/sales/x/refund", "/admin/sales/x/recheck", "/admin/sales/x/unlock", "/admin/cash-sales",
        "/admin/grants/x/extend",
        "/admin/grants/x/revoke", "/admin/operators",
        "/admin/operators/lan/password", "/admin/operators/lan/disable", "/admin/operators/lan/role", "/admin/tokens",
        "/admin/tokens/x/revoke",
        "/admin/logout", "/admin/refunds/x/check", "/admin/refunds/x/resolve", "/admin/unapplied/x", "/admin/vouchers",
        "/admin/vouchers/x/revoke", "/admin/webhooks", "/admin/webhooks/x", "/admin/webhooks/x/test",
        "/admin/webhooks/x/remove", "/admin/webhook-deliveries/1/retry", "/admin/payments/momo",
    ]

    @Test func noAdminEndpointAnswersWithoutCredentials() async throws {
        let harness = try await AdminHarness()
        try await harness.app.test(.router) { client in
            for (method, path) in Self.apiEndpoints {
                for token in [nil, "hpt_forged", "not-even-a-token"] {
                    let reply = try await AdminHarness.call(client, method, path, json: "{}", token: token)
                    #expect(reply.status == .unauthorized, "\(method) \(path) with \(token ?? "nothing")")
                    #expect(reply.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                    #expect(reply.object["error"] != nil)
                }
            }
            for path in Self.pages {
                let reply = try await AdminHarness.call(client, .get, path, token: nil)
                #expect(reply.status == .seeOther, "\(path)")
                #expect(reply.location?.hasPrefix("/admin/login?next=") == true)
            }
            for path in Self.formPosts {
                let reply = try await AdminHarness.form(client, path, [("name", "x")], cookie: "hp_session=stolen")
                #expect(reply.status == .seeOther, "\(path)")
                #expect(reply.location?.hasPrefix("/admin/login") == true)
            }
        }
        // Nothing changed.
        #expect(try await harness.store.plans(includeInactive: true).count == 1)
        #expect(try await harness.store.routers().count == 1)
        #expect(try await harness.store.operators().map(\.username) == ["lan"])
    }

    @Test func cookieRequestsThatChangeThingsNeedTheCSRFToken() async throws {
        let harness = try await AdminHarness()
        try await harness.app.test(.router) { client in
            let session = try await AdminHarness.signIn(client)
            let plan = #"{"id":"2h","name_vi":"2 giờ","price":15000,"duration":"2h"}"#
            // The browser's cookie alone (what a forged cross-site form would carry) is refused.
            let forged = try await AdminHarness.call(
                client, .post, "/api/admin/plans", json: plan, headers: [.cookie: session.cookie], token: nil)
            #expect(forged.status == .forbidden)
            let wrong = try await AdminHarness.call(
                client, .post, "/api/admin/plans", json: plan,
                headers: [.cookie: session.cookie, .init("X-CSRF-Token")!: "guess"], token: nil)
            #expect(wrong.status == .forbidden)
            let form = [
                ("id", "3h"), ("name_vi", "3 giờ"), ("price", "20000"), ("duration", "3h"), ("active", "1"),
            ]
            let forgedForm = try await AdminHarness.form(client, "/admin/plans", form, cookie: session.cookie)
            #expect(forgedForm.status == .forbidden)
            #expect(try await harness.store.plans(includeInactive: true).count == 1)
            // With the token it works, for the API and for the form.
            let made = try await AdminHarness.call(
                client, .post, "/api/admin/plans", json: plan,
                headers: [.cookie: session.cookie, .init("X-CSRF-Token")!: session.csrf], token: nil)
            #expect(made.status == .created)
            let posted = try await AdminHarness.form(
                client, "/admin/plans", form + [("_csrf", session.csrf)], cookie: session.cookie)
            #expect(posted.status == .seeOther)
            #expect(posted.location == "/admin/plans?ok=planAdded")
            #expect(try await harness.store.plan(id: "3h")?.price == Money(dong: 20_000))
            // Reads need no token.
            let read = try await AdminHarness.call(
                client, .get, "/api/admin/plans", headers: [.cookie: session.cookie], token: nil)
            #expect(read.status == .ok)
            #expect(read.array.count == 3)
            // Signing out ends the session.
            let out = try await AdminHarness.form(
                client, "/admin/logout", [("_csrf", session.csrf)], cookie: session.cookie)
            #expect(out.status == .seeOther)
            #expect(out.cookie("hp_session") == "hp_session=")
            let after = try await AdminHarness.call(
                client, .get, "/admin", headers: [.cookie: session.cookie], token: nil)
            #expect(after.status == .seeOther)
        }
    }

    @Test func behindTheProxyOneAddressGuessingLocksOutThatAddressNotEveryOperator() async throws {
        let harness = try await AdminHarness()
        try await harness.app.test(.live) { client in
            func signIn(username: String, password: String, from address: String) async throws -> HTTPResponse.Status {
                let login = try await AdminHarness.call(client, .get, "/admin/login", token: nil)
                let cookie = try #require(login.cookie("hp_login"))
                let token = try #require(AdminHarness.hidden("_csrf", in: login.body))
                let body = [("_csrf", token), ("username", username), ("password", password)]
                    .map { "\($0.0)=\(FormURLEncoding.encode($0.1))" }.joined(separator: "&")
                return try await client.execute(
                    uri: "/admin/login", method: .post,
                    headers: [
                        .contentType: "application/x-www-form-urlencoded", .cookie: cookie,
                        .init("X-Forwarded-For")!: address,
                    ], body: ByteBuffer(string: body)
                ) { $0.status }
            }
            for index in 0..<20 {
                let status = try await signIn(
                    username: "guess\(index)", password: "wrong password", from: "203.0.113.9")
                #expect(status == .unauthorized)
            }
            #expect(
                try await signIn(username: "lan", password: AdminHarness.password, from: "203.0.113.9")
                    == .tooManyRequests)
            #expect(
                try await signIn(username: "lan", password: AdminHarness.password, from: "198.51.100.7") == .seeOther)
        }
    }

    @Test func theSignInPageRefusesWrongPasswordsStaleFormsAndForeignRedirects() async throws {
        let harness = try await AdminHarness()
        try await harness.app.test(.router) { client in
            let login = try await AdminHarness.call(client, .get, "/admin/login?next=//evil.example/x", token: nil)
            #expect(login.status == .ok)
            #expect(login.body.contains("name=\"next\" value=\"/admin\""))
            let loginCookie = try #require(login.cookie("hp_login"))
            #expect(
                login.headers[values: .setCookie].contains { $0.contains("HttpOnly") && $0.contains("SameSite=Strict") }
            )
            let token = try #require(AdminHarness.hidden("_csrf", in: login.body))
            let wrong = try await AdminHarness.form(
                client, "/admin/login", [("_csrf", token), ("username", "lan"), ("password", "nope nope nope")],
                cookie: loginCookie)
            #expect(wrong.status == .unauthorized)
            #expect(wrong.cookie("hp_session") == nil)
            #expect(wrong.body.contains("Sai tên đăng nhập hoặc mật khẩu"))
            // A form posted from elsewhere has no matching login cookie.
            let stale = try await AdminHarness.form(
                client, "/admin/login", [("_csrf", token), ("username", "lan"), ("password", AdminHarness.password)],
                cookie: nil)
            #expect(stale.status == .forbidden)
            #expect(stale.cookie("hp_session") == nil)
            let good = try await AdminHarness.form(
                client, "/admin/login",
                [
                    ("_csrf", token), ("username", "lan"), ("password", AdminHarness.password),
                    ("next", "https://evil.example"),
                ],
                cookie: loginCookie)
            #expect(good.status == .seeOther)
            #expect(good.location == "/admin")
            let setCookie = try #require(good.headers[values: .setCookie].first { $0.hasPrefix("hp_session=") })
            #expect(
                setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"))
        }
    }

    @Test func aRevokedTokenStopsWorkingAtOnce() async throws {
        let harness = try await AdminHarness()
        try await harness.app.test(.router) { client in
            let made = try await AdminHarness.call(
                client, .post, "/api/admin/tokens", json: #"{"name":"script"}"#, token: harness.token)
            #expect(made.status == .created)
            let secret = try #require(made.object["token"] as? String)
            let id = try #require(made.object["id"] as? String)
            #expect(try await AdminHarness.call(client, .get, "/api/admin/me", token: secret).status == .ok)
            let listed = try await AdminHarness.call(client, .get, "/api/admin/tokens", token: harness.token)
            #expect(!listed.body.contains(secret))
            #expect(
                try await AdminHarness.call(client, .delete, "/api/admin/tokens/\(id)", token: harness.token).status
                    == .noContent)
            #expect(try await AdminHarness.call(client, .get, "/api/admin/me", token: secret).status == .unauthorized)
        }
    }
}
