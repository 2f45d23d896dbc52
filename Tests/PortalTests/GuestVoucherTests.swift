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

    /// Several nodes: guesses from one device spread over two portals (each with memory of its
    /// own) meet the one limit counted in the database they share; without sharing, each node
    /// would have let five through.
    @Test func guessesSpreadOverTwoNodesMeetOneLimit() async throws {
        for shared in [true, false] {
            let harness = try await H(sharedCodeLimits: shared, "guessesSpreadOverTwoNodes\(shared)")
            let codes = try await Self.batch(harness.store)
            let nodes = [harness.app, try await harness.node()]
            var generator = SystemRandomNumberGenerator()
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<6 {
                let code = VoucherCode.random(using: &generator).value
                let status = try await nodes[index % 2].test(.router) { client in
                    try await H.post(
                        client, "/voucher", form: [("code", code), ("mac", H.mac), ("router", "nas-cafe")]
                    )
                    .status
                }
                statuses.append(status)
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == .unprocessableContent }, "\(statuses)")
            // The sixth guess, and then even a real code, on either node.
            let real = codes[1].value
            for node in nodes {
                let status = try await node.test(.router) { client in
                    try await H.post(
                        client, "/voucher", form: [("code", real), ("mac", H.mac), ("router", "nas-cafe")]
                    )
                    .status
                }
                statuses.append(status)
            }
            if shared {
                #expect(statuses.suffix(3) == [.tooManyRequests, .tooManyRequests, .tooManyRequests], "\(statuses)")
                #expect(try await harness.store.activeGrant(mac: try MACAddress(H.mac)) == nil)
            } else {
                #expect(statuses[5] == .unprocessableContent, "each node alone: three guesses each")
            }
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

/// The connected page's top-up: a pass running low is extended, not replaced.
@Suite struct GuestTopUpTests {
    typealias H = GuestPageHarness

    @Test func aPassRunningLowIsToppedUpInOneTapAndTheLiveSessionIsToldByCoA() async throws {
        let harness = try await H()
        try await harness.app.test(.router) { client in
            let first = H.transactionID(fromPayPath: try await H.buy(client))
            let purchase = try #require(try await harness.store.transaction(id: first))
            // Paid 50 minutes ago: ten minutes of the hour are left, and the device is online.
            _ = try await harness.store.confirmPayment(
                PaymentConfirmation(
                    transactionID: first, provider: .sandbox, providerReference: "SBX-LOW", amount: purchase.amount,
                    at: Date().addingTimeInterval(-50 * 60), actor: "provider:sandbox"))
            let mac = try MACAddress(H.mac)
            try await harness.store.recordSession(
                RadiusSession(
                    routerID: "cafe", acctSessionID: "live-1", mac: mac, userName: H.mac, framedIP: nil,
                    startedAt: Date(), updatedAt: Date()))
            let grant = try #require(try await harness.store.activeGrant(mac: mac))
            let page = try await H.get(client, "/pay/\(first)")
            #expect(page.body.contains("id=\"running-low\""), "\(page.body)")
            #expect(page.body.contains("data-plan=\"1d\""))

            // One tap on "+ 1 ngày": a new purchase, paid, extends the same grant.
            let topUp = try await H.post(
                client, "/checkout?lang=vi",
                form: [
                    ("plan", "1d"), ("provider", "sandbox"), ("mac", H.mac), ("ip", "10.5.50.7"), ("router", "cafe"),
                ])
            #expect(topUp.status == .seeOther)
            let second = H.transactionID(fromPayPath: try #require(topUp.location))
            #expect(second != first)
            let bought = try #require(try await harness.store.transaction(id: second))
            let applied = try await harness.store.confirmPayment(
                PaymentConfirmation(
                    transactionID: second, provider: .sandbox, providerReference: "SBX-TOPUP", amount: bought.amount,
                    at: Date(), actor: "provider:sandbox"))
            guard case .applied(_, let extended, let job, _) = applied else {
                Issue.record("expected the top-up applied, got \(applied)")
                return
            }
            #expect(extended.id == grant.id && extended.transactionIDs == [first, second])
            #expect(extended.validUntil.timeIntervalSince(grant.validUntil) > 86_000)
            #expect(job?.action == .coa && job?.mac == mac)
            let after = try await H.get(client, "/pay/\(second)")
            #expect(!after.body.contains("id=\"running-low\""))
        }
    }
}
