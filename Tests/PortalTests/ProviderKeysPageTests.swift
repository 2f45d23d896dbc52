import Foundation
import HotspotPayCore
import Hummingbird
import HummingbirdTesting
import Store
import Testing

/// The console's Payments page: keys go in, never come back out, and only the owner sees it.
@Suite struct ProviderKeysPageTests {
    @Test func anOwnerEntersKeysThatAreNeverShownBackAndAManagerCannotOpenThePage() async throws {
        let harness = try await AdminHarness()
        let manager = try await harness.console.accounts.addOperator(
            username: "minh", displayName: "", password: AdminHarness.password, role: .manager, actor: "test")
        _ = manager
        try await harness.app.test(.router) { client in
            let (cookie, csrf) = try await AdminHarness.signIn(client)
            let page = try await AdminHarness.call(
                client, .get, "/admin/payments", headers: [.cookie: cookie], token: nil)
            #expect(page.status == .ok && page.body.contains(#"id="keys-momo""#), "\(page.status)")
            #expect(page.body.contains(#"id="credential-MOMO_SECRET_KEY""#))

            let secret = "K951B6PE1waDMi640xX08PD3vg6EkVlz"
            let saved = try await AdminHarness.form(
                client, "/admin/payments/momo",
                [("_csrf", csrf), ("value_MOMO_SECRET_KEY", secret), ("value_MOMO_ACCESS_KEY", "")], cookie: cookie)
            // No daemon to apply them to in this harness: stored, used after a restart.
            #expect(saved.location == "/admin/payments?ok=providerKeysSaved", "\(saved.status) \(saved.body)")
            #expect(try await harness.store.storedProviderCredentials() == ["MOMO_SECRET_KEY": Secret(secret)])
            let again = try await AdminHarness.call(
                client, .get, "/admin/payments", headers: [.cookie: cookie], token: nil)
            #expect(!again.body.contains(secret) && again.body.contains(#"name="remove_MOMO_SECRET_KEY""#))

            let bad = try await AdminHarness.form(
                client, "/admin/payments/momo", [("_csrf", csrf), ("value_MOMO_SECRET_KEY", "short")], cookie: cookie)
            #expect(bad.status == .unprocessableContent && bad.body.contains("secret_key"))
            let removed = try await AdminHarness.form(
                client, "/admin/payments/momo", [("_csrf", csrf), ("remove_MOMO_SECRET_KEY", "on")], cookie: cookie)
            #expect(removed.status == .seeOther)
            #expect(try await harness.store.storedProviderCredentials().isEmpty)

            let audit = try await harness.store.recentAuditEvents(limit: 5)
            #expect(
                audit.contains { $0.kind == .providerCredentialsChanged && $0.detail == "momo: set MOMO_SECRET_KEY" })
            #expect(!audit.contains { $0.detail.contains(secret) })

            let (managerCookie, _) = try await AdminHarness.signIn(client, username: "minh")
            let refused = try await AdminHarness.call(
                client, .get, "/admin/payments", headers: [.cookie: managerCookie], token: nil)
            #expect(refused.status == .forbidden)
            let menu = try await AdminHarness.call(
                client, .get, "/admin/devices", headers: [.cookie: managerCookie], token: nil)
            #expect(!menu.body.contains(#"href="/admin/payments""#) && menu.body.contains(#"href="/admin/webhooks""#))
        }
    }
}
