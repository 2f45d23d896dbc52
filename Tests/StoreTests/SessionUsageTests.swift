import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

@Suite struct SessionUsageTests {
    /// A session that began on the captive portal and was unlocked by CoA: the bytes from before
    /// the payment are not charged; the bytes after it are.
    @Test(arguments: StoreBackend.allCases) func onlyDataUsedWhileAGrantRunsIsCharged(_ backend: StoreBackend)
        async throws
    {
        let plan = Fixtures.plan(dataCap: 1_000_000)
        let store = try await BackendHarness(backend, plan: plan).store
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        func report(_ bytes: Int64, at seconds: Double) async throws {
            try await store.recordSession(
                RadiusSession(
                    routerID: "cafe", acctSessionID: "81a00001", mac: Fixtures.mac, userName: Fixtures.mac.description,
                    framedIP: nil, startedAt: t0, updatedAt: t0.addingTimeInterval(seconds), inputBytes: bytes / 2,
                    outputBytes: bytes - bytes / 2))
        }
        try await report(0, at: 0)  // Start, captive
        try await report(50_000, at: 60)  // browsing the portal
        let transaction = Fixtures.transaction(plan: plan, now: t0)
        try await store.insertTransaction(transaction, actor: "test")
        _ = try await store.confirmPayment(
            PaymentConfirmation(
                transactionID: transaction.id, provider: .sandbox, providerReference: "SBX9", amount: plan.price,
                at: t0.addingTimeInterval(90), actor: "test"))
        try await report(80_000, at: 120)  // the interval straddles the payment: not charged
        #expect(try await store.activeGrant(mac: Fixtures.mac)?.dataRemainingBytes == 1_000_000)
        try await report(300_000, at: 180)  // all of it while paid
        #expect(try await store.activeGrant(mac: Fixtures.mac)?.dataRemainingBytes == 1_000_000 - 220_000)
        try await report(300_000, at: 240)  // a repeated report charges nothing twice
        try await report(5_000_000, at: 300)  // over the cap: remaining stops at zero
        let grant = try #require(try await store.activeGrant(mac: Fixtures.mac))
        #expect(grant.dataRemainingBytes == 0 && grant.isExhausted(at: t0.addingTimeInterval(300)))
    }
}
