import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

@Suite struct VoucherStoreTests {
    static func batch(devices: Int = 1, validFor seconds: Double = 86_400, price: Int64 = 8_000) -> VoucherBatch {
        VoucherBatch(
            id: UUID().uuidString, planID: "1h", count: 2, validUntil: Date().addingTimeInterval(seconds),
            price: Money(dong: price), devicesPerCode: devices, note: "tết", createdAt: Date(), createdBy: "test")
    }

    static func codes(_ count: Int = 2) -> [VoucherCode] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in VoucherCode.random(using: &generator) }
    }

    static func mac(_ index: Int) -> MACAddress { MACAddress(octets: [0x02, 0xAA, 0, 0, 0, UInt8(index)]) }

    @Test(arguments: StoreBackend.allCases) func aCodeUnlocksItsDeviceThroughTheSamePathAsAPaymentAtTheBatchPrice(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let batch = Self.batch()
        let codes = Self.codes()
        try await harness.store.addVoucherBatch(batch, codes: codes, actor: "operator:lan")
        let outcome = try await harness.store.redeemVoucher(
            codes[0], mac: Fixtures.mac, routerID: "cafe", clientIP: nil, at: Date())
        guard case .redeemed(.applied(let sale, let grant, let job, _)) = outcome else {
            Issue.record("expected a redeemed voucher, got \(outcome)")
            return
        }
        #expect(sale.provider == .voucher && sale.status == .paid && sale.amount == Money(dong: 8_000))
        #expect(grant.mac == Fixtures.mac && grant.transactionIDs == [sale.id])
        #expect(job?.action == .disconnect)  // a new pass on a coa router: the captive session ends
        #expect(
            try await harness.store.auditEvents(transactionID: sale.id).map(\.kind)
                == [.transactionCreated, .voucherRedeemed, .paymentConfirmed, .grantStarted])
        // The same device again: its first sale, nothing new.
        let again = try await harness.store.redeemVoucher(
            codes[0], mac: Fixtures.mac, routerID: "cafe", clientIP: nil, at: Date())
        #expect(again == .alreadyRedeemed(try #require(try await harness.store.transaction(id: sale.id))))
        // Another device: the code is spent.
        #expect(
            try await harness.store.redeemVoucher(
                codes[0], mac: Self.mac(9), routerID: "cafe", clientIP: nil, at: Date())
                == .refused(.usedUp))
        #expect(try await harness.store.vouchers(batchID: batch.id).map(\.redemptions) == [1, 0])
    }

    @Test(arguments: StoreBackend.allCases) func aGiveAwayCodeAtPriceZeroUnlocksItsDevice(_ backend: StoreBackend)
        async throws
    {
        let harness = try await BackendHarness(backend)
        let batch = Self.batch(price: 0)
        let codes = Self.codes()
        try await harness.store.addVoucherBatch(batch, codes: codes, actor: "operator:lan")
        let outcome = try await harness.store.redeemVoucher(
            codes[0], mac: Fixtures.mac, routerID: "cafe", clientIP: nil, at: Date())
        guard case .redeemed(.applied(let sale, let grant, _, _)) = outcome else {
            Issue.record("a give-away code was not redeemed: \(outcome)")
            return
        }
        #expect(sale.amount == Money(dong: 0) && sale.status == .paid && grant.mac == Fixtures.mac)
        #expect(try await harness.store.activeGrant(mac: Fixtures.mac)?.id == grant.id)
    }

    @Test(arguments: StoreBackend.allCases) func racingDevicesGetExactlyAsManyGrantsAsTheCodeAllows(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let single = Self.batch(devices: 1)
        let family = Self.batch(devices: 3)
        let singleCode = Self.codes(1)
        let familyCode = Self.codes(1)
        try await harness.store.addVoucherBatch(single, codes: singleCode, actor: "test")
        try await harness.store.addVoucherBatch(family, codes: familyCode, actor: "test")
        let store = harness.store
        for (code, expected) in [(singleCode[0], 1), (familyCode[0], 3)] {
            let outcomes = try await withThrowingTaskGroup(of: VoucherRedemption.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await store.redeemVoucher(
                            code, mac: Self.mac(index + (expected == 1 ? 0 : 100)), routerID: "cafe", clientIP: nil,
                            at: Date())
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let redeemed = outcomes.filter { if case .redeemed(.applied) = $0 { true } else { false } }
            #expect(redeemed.count == expected)
            #expect(outcomes.filter { $0 == .refused(.usedUp) }.count == 20 - expected)
        }
        let sales = try await store.transactions(matching: TransactionFilter(provider: .voucher, limit: 100))
        #expect(sales.count == 4 && sales.allSatisfy { $0.status == .paid })
    }

    @Test(arguments: StoreBackend.allCases) func expiredRevokedAndUnknownCodesGiveNothing(_ backend: StoreBackend)
        async throws
    {
        let harness = try await BackendHarness(backend)
        let expiring = Self.batch(validFor: 60)
        let expiringCodes = Self.codes(1)
        let withdrawn = Self.batch()
        let withdrawnCodes = Self.codes(1)
        try await harness.store.addVoucherBatch(expiring, codes: expiringCodes, actor: "test")
        try await harness.store.addVoucherBatch(withdrawn, codes: withdrawnCodes, actor: "test")
        let revoked = try await harness.store.revokeVoucherBatch(id: withdrawn.id, at: Date(), actor: "operator:lan")
        #expect(revoked.revokedAt != nil)
        let later = Date().addingTimeInterval(120)
        #expect(
            try await harness.store.redeemVoucher(
                expiringCodes[0], mac: Fixtures.mac, routerID: "cafe", clientIP: nil, at: later) == .refused(.expired))
        #expect(
            try await harness.store.redeemVoucher(
                withdrawnCodes[0], mac: Fixtures.mac, routerID: "cafe", clientIP: nil, at: Date())
                == .refused(.revoked))
        #expect(
            try await harness.store.redeemVoucher(
                Self.codes(1)[0], mac: Fixtures.mac, routerID: "cafe", clientIP: nil, at: Date()) == .refused(.unknown))
        #expect(try await harness.store.activeGrant(mac: Fixtures.mac) == nil)
        #expect(try await harness.store.vouchers(batchID: expiring.id).map(\.redemptions) == [0])
    }

    @Test(arguments: StoreBackend.allCases) func aTakenCodeIsADuplicateAndTheBatchIsNotStored(_ backend: StoreBackend)
        async throws
    {
        let harness = try await BackendHarness(backend)
        let codes = Self.codes(1)
        try await harness.store.addVoucherBatch(Self.batch(), codes: codes, actor: "test")
        let second = Self.batch()
        await #expect(throws: StoreError.self) {
            try await harness.store.addVoucherBatch(second, codes: codes, actor: "test")
        }
        #expect(try await harness.store.voucherBatch(id: second.id) == nil)
    }
}
