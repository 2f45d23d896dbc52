import Checkout
import Foundation
import HotspotPayCore
import Payments
import Store
import TestSupport
import Testing

/// A demo daemon (loopback portal, loopback router) whose operator adds a real router at run time:
/// guests behind it must not be offered, nor sold through, the sandbox's fake payments.
@Suite struct SandboxCheckoutTests {
    @Test func aGuestBehindARealRouterCannotBuyWithTheSandbox() async throws {
        let directory = try Fixtures.temporaryDirectory(#function)
        let store = try SQLiteStore(
            path: directory.appendingPathComponent("s.sqlite").path,
            cipher: SecretCipher(key: try SecretKey(bytes: Array(repeating: 5, count: 32))))
        try await store.addPlan(Fixtures.plan(), actor: "test")
        try await store.addRouter(Fixtures.router(id: "demo", address: "127.0.0.1"), actor: "test")
        try await store.addRouter(Fixtures.router(id: "cafe", address: "10.5.50.1"), actor: "test")
        let urls = PortalURLs(publicURL: "http://127.0.0.1:8080")
        let checkout = CheckoutService(
            store: store,
            providers: PaymentProviders([SandboxProvider(secret: Secret("s"), walletBaseURL: urls.sandboxWallet)]),
            urls: urls, paymentWindowSeconds: 900)
        let attacker = CheckoutService.Request(
            plan: "1h", provider: "sandbox", mac: "F2:00:00:00:00:01", ip: nil, router: "cafe")
        await #expect(throws: CheckoutError.providerNotEnabled(.sandbox)) { try await checkout.start(attacker) }
        #expect(try await store.transactions(matching: TransactionFilter()).isEmpty)
        #expect(checkout.providers(at: try IPAddress("10.5.50.1")).isEmpty)
        // The demo's own router still sells through it.
        var demo = attacker
        demo.router = "demo"
        #expect(try await checkout.start(demo).transaction.provider == .sandbox)
        #expect(checkout.providers(at: try IPAddress("127.0.0.1")).map(\.id) == [.sandbox])
    }
}
