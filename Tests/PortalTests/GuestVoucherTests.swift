import Foundation
import HotspotPayCore
import Hummingbird
import HummingbirdTesting
import Store
import TestSupport
import Testing

/// "I have a code" on the plans page.
@Suite struct GuestVoucherTests {
    typealias H = GuestPageHarness

    static func batch(_ store: SQLiteStore, devices: Int = 1) async throws -> [VoucherCode] {
        var generator = SystemRandomNumberGenerator()
        let codes = (0..<2).map { _ in VoucherCode.random(using: &generator) }
        try await store.addVoucherBatch(
            VoucherBatch(
                id: UUID().uuidString, planID: "1d", count: 2, validUntil: Date().addingTimeInterval(86_400),
                price: Money(dong: 25_000), devicesPerCode: devices, createdAt: Date(), createdBy: "test"),
            codes: codes, actor: "test")
        return codes
    }

    @Test func aGuestTypesACodeAndTheDeviceIsPaidForLikeAPurchase() async throws {
        let harness = try await H()
        let codes = try await Self.batch(harness.store)
        try await harness.app.test(.router) { client in
            let plans = try await H.get(client, H.landing("&code=\(codes[0].value)"))
            #expect(plans.body.contains("id=\"voucher\" open"))
            #expect(plans.body.contains("value=\"\(codes[0].value)\""))
            // Typed in lower case with spaces, as a phone keyboard might.
            let typed = codes[0].description.lowercased().replacingOccurrences(of: "-", with: " ")
            let redeemed = try await H.post(
                client, "/voucher", form: [("code", typed), ("mac", H.mac), ("router", "nas-cafe")])
            #expect(redeemed.status == .seeOther)
            let location = try #require(redeemed.location)
            #expect(location.hasPrefix("/pay/"))
            let page = try await H.get(client, location)
            #expect(page.status == .ok)
            let sale = try #require(
                try await harness.store.transactions(matching: TransactionFilter(provider: .voucher, limit: 5)).first)
            #expect(sale.status == .paid && sale.planID == "1d" && sale.amount == Money(dong: 25_000))
            #expect(location.contains(sale.id))
            #expect(try await harness.store.activeGrant(mac: try MACAddress(H.mac))?.transactionIDs == [sale.id])
            // Sent twice (a double tap): the same sale.
            let again = try await H.post(
                client, "/voucher", form: [("code", codes[0].value), ("mac", H.mac), ("router", "nas-cafe")])
            #expect(again.location == location)
            // Another phone: the one-device code is spent.
            let other = try await H.post(
                client, "/voucher",
                form: [("code", codes[0].value), ("mac", "AA:BB:CC:DD:EE:08"), ("router", "nas-cafe")])
            #expect(other.status == .unprocessableContent)
            #expect(other.body.contains("Mã này đã được dùng hết"))
        }
    }

    @Test func guessingCodesIsStoppedPerDevice() async throws {
        let harness = try await H()
        let codes = try await Self.batch(harness.store)
        try await harness.app.test(.router) { client in
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<5 {
                let guess = try await H.post(
                    client, "/voucher",
                    form: [
                        ("code", VoucherCode.random(using: &generator).value), ("mac", H.mac), ("router", "nas-cafe"),
                    ])
                #expect(guess.status == .unprocessableContent)
                #expect(guess.body.contains("Mã này không đúng"))
            }
            // The sixth try within 15 minutes is refused before the code is looked at, even a real one.
            let blocked = try await H.post(
                client, "/voucher", form: [("code", codes[1].value), ("mac", H.mac), ("router", "nas-cafe")])
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter].flatMap(Int.init).map { $0 > 0 && $0 <= 900 } == true)
            #expect(try await harness.store.vouchers(batchID: "x").isEmpty)
            #expect(try await harness.store.activeGrant(mac: try MACAddress(H.mac)) == nil)
            // Another device still may.
            let other = try await H.post(
                client, "/voucher",
                form: [("code", codes[1].value), ("mac", "AA:BB:CC:DD:EE:09"), ("router", "nas-cafe")])
            #expect(other.status == .seeOther)
        }
    }
}

/// "Paid already, but this phone shows a new address" on the plans page.
@Suite struct GuestPassMoveTests {
    typealias H = GuestPageHarness

    @Test func theReceiptCodeMovesThePassToThePhonesNewMAC() async throws {
        let harness = try await H()
        let old = try MACAddress(H.mac)
        let purchase = Fixtures.transaction(mac: old)
        try await harness.store.insertTransaction(purchase, actor: "test")
        _ = try await harness.store.confirmPayment(
            PaymentConfirmation(
                transactionID: purchase.id, provider: purchase.provider, providerReference: "SBX-1",
                amount: purchase.amount, at: Date(), actor: "provider:test"))
        try await harness.app.test(.router) { client in
            let newMAC = "F2:AA:BB:CC:DD:01"
            let plans = try await H.get(client, "/?mac=\(newMAC)&ip=10.5.50.9&router=nas-cafe")
            #expect(plans.body.contains("id=\"move\""))
            let moved = try await H.post(
                client, "/move",
                form: [
                    ("receipt", purchase.orderCode.description.lowercased()), ("mac", newMAC), ("router", "nas-cafe"),
                ])
            #expect(moved.status == .seeOther)
            #expect(moved.location?.hasPrefix("/pay/\(purchase.id)") == true)
            #expect(try await harness.store.activeGrant(mac: old) == nil)
            #expect(try await harness.store.activeGrant(mac: try MACAddress(newMAC))?.transactionIDs == [purchase.id])
            let wrong = try await H.post(
                client, "/move", form: [("receipt", "ZZZZZZ"), ("mac", "F2:AA:BB:CC:DD:02"), ("router", "nas-cafe")])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.body.contains("Không tìm thấy đơn"))
        }
    }
}
