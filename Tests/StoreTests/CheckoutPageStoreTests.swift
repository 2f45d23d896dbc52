import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

@Suite struct CheckoutPageStoreTests {
    func store(_ label: String = #function) async throws -> (SQLiteStore, Transaction) {
        let directory = try Fixtures.temporaryDirectory(label)
        let store = try SQLiteStore(
            path: directory.appendingPathComponent("pages.sqlite").path,
            cipher: SecretCipher(key: try SecretKey(bytes: Array(repeating: 5, count: 32))))
        try await store.addPlan(Fixtures.plan(), actor: "test")
        try await store.addRouter(Fixtures.router(), actor: "test")
        let transaction = Fixtures.transaction()
        try await store.insertTransaction(transaction, actor: "test")
        return (store, transaction)
    }

    @Test func theFirstPaymentRequestIsKeptSoAReopenedPortalShowsTheSameQR() async throws {
        let (store, transaction) = try await store()
        let first = PaymentRequest(
            qrPayload: "00020101021238570010A000000727", payURL: "https://pay.test/1", deeplink: "momo://pay?1",
            providerOrderID: "HP-1", expiresAt: Date(timeIntervalSince1970: 1_800_000_900))
        try await store.savePaymentRequest(first, transactionID: transaction.id)
        var second = first
        second.qrPayload = "other"
        try await store.savePaymentRequest(second, transactionID: transaction.id)
        #expect(try await store.paymentRequest(transactionID: transaction.id) == first)
        #expect(try await store.paymentRequest(transactionID: "nope") == nil)
    }

    @Test func theNewestRouterLoginContextWinsBecauseItCarriesTheFreshChallenge() async throws {
        let (store, transaction) = try await store()
        let old = try HotspotLogin(
            loginURL: "http://10.5.50.1/login", originalURL: "http://example.com/", chapID: #"\001"#,
            chapChallenge: #"\001\002\003"#)
        let new = try HotspotLogin(
            loginURL: "http://10.5.50.1/login", originalURL: nil, chapID: #"\371"#, chapChallenge: #"\377\000\100"#)
        try await store.saveHotspotLogin(old, transactionID: transaction.id, at: Date())
        try await store.saveHotspotLogin(new, transactionID: transaction.id, at: Date())
        #expect(try await store.hotspotLogin(transactionID: transaction.id) == new)
    }

    @Test func anOpenSessionTellsWhichDeviceHoldsAnAddress() async throws {
        let (store, _) = try await store()
        let ip = try IPAddress("10.5.50.9")
        let started = Date()
        try await store.recordSession(
            RadiusSession(
                routerID: "cafe", acctSessionID: "s-1", mac: Fixtures.mac, userName: "u", framedIP: ip,
                startedAt: started, updatedAt: started))
        #expect(try await store.openSession(framedIP: ip)?.mac == Fixtures.mac)
        #expect(try await store.openSession(framedIP: try IPAddress("10.5.50.10")) == nil)
        try await store.recordSession(
            RadiusSession(
                routerID: "cafe", acctSessionID: "s-1", mac: Fixtures.mac, userName: "u", framedIP: ip,
                startedAt: started, updatedAt: started.addingTimeInterval(5), stoppedAt: started.addingTimeInterval(5)))
        #expect(try await store.openSession(framedIP: ip) == nil)
    }
}
