import FakeProviders
import Foundation
import HotspotPayCore
import Payments
import TestSupport
import Testing

@Suite struct VietQRProviderTests {
    typealias F = ProviderFixtures

    @Test func ourOwnQRCarriesTheAmountAndTheOrderCodeAsPurpose() async throws {
        let transaction = F.order(.vietqr, price: 25_000)
        let request = try await F.vietqr(.sepay).createPayment(
            for: transaction, plan: Fixtures.plan(), context: F.context)
        let fields = try EMVReader.verified(try #require(request.qrPayload))
        #expect(fields["54"] == "25000" && fields["01"] == "12" && fields["53"] == "704")
        #expect(fields["62"] == "0806\(transaction.orderCode)")
        #expect(fields["38"]?.contains("0006\(FakeCredentials.bankBIN)0110\(FakeCredentials.accountNumber)") == true)
    }

    @Test func payOSCreatesTheLinkAndItsQRIsAVietQR() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let transaction = F.order(.vietqr)
            let request = try await F.vietqr(.payos, base: base).createPayment(
                for: transaction, plan: Fixtures.plan(), context: F.context)
            #expect(await fake.ledger.refusals.isEmpty)
            let fields = try EMVReader.verified(try #require(request.qrPayload))
            #expect(fields["54"] == "10000")
            #expect(request.payURL?.hasPrefix("https://pay.payos.vn/web/") == true)
            #expect(Int64(request.providerOrderID) == ProviderOrderID.payOSNumber(for: transaction))
        }
    }

    @Test func aSignedPayOSWebhookIsPaidAndAnyChangeBreaksIt() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let provider = F.vietqr(.payos, base: base)
            let transaction = F.order(.vietqr)
            let orders = MemoryOrders([transaction])
            _ = try await provider.createPayment(for: transaction, plan: Fixtures.plan(), context: F.context)
            let body = try await fake.payOSWebhook(orderCode: ProviderOrderID.payOSNumber(for: transaction))
            let outcome = try await provider.verifyCallback(
                ProviderCallback(endpoint: .payos, method: "POST", body: F.json(body)), orders: orders)
            #expect(outcome.status == .paid && outcome.amount == Money(dong: 10_000))
            #expect(
                try await provider.queryStatus(of: transaction)
                    == .paid(providerReference: outcome.providerReference, amount: Money(dong: 10_000)))
            var data = body["data"] as! [String: Any]
            data["amount"] = 1_000
            var forged = body
            forged["data"] = data
            for attempt in [forged, body.merging(["signature": String(repeating: "a", count: 64)]) { $1 }] {
                await #expect(throws: CallbackRejection.self) {
                    try await provider.verifyCallback(
                        ProviderCallback(endpoint: .payos, method: "POST", body: F.json(attempt)), orders: orders)
                }
            }
            // The same webhook at the SePay endpoint is not taken: only payOS is configured.
            await #expect(throws: CallbackRejection.notConfigured(.sepay)) {
                try await provider.verifyCallback(
                    ProviderCallback(endpoint: .sepay, method: "POST", body: F.json(body)), orders: orders)
            }
        }
    }

    @Test func payOSsOwnTestDeliveryIsAnsweredSuccessButPaysNothing() async throws {
        let data: [String: Any] = [
            "orderCode": 123, "amount": 3000, "description": "VQRIO123", "accountNumber": "12345678",
            "reference": "TF230204212323", "transactionDateTime": "2023-02-04 18:25:00", "currency": "VND",
            "paymentLinkId": "124c33293c43417ab7879e14c8d9eb18", "code": "00", "desc": "Thành công",
            "counterAccountBankId": "", "counterAccountBankName": "", "counterAccountName": "",
            "counterAccountNumber": "", "virtualAccountName": "", "virtualAccountNumber": "",
        ]
        let body: [String: Any] = [
            "code": "00", "desc": "success", "success": true, "data": data,
            "signature": FakeSigning.payOSData(FakeCredentials.payOSChecksumKey, data),
        ]
        let provider = F.vietqr(.payos)
        do throws(CallbackRejection) {
            _ = try await provider.verifyCallback(
                ProviderCallback(endpoint: .payos, method: "POST", body: F.json(body)), orders: MemoryOrders())
            Issue.record("an order nobody made was paid")
        } catch {
            guard case .unknownOrder = error else { throw error }
            let reply = provider.reply(to: .rejected(error), endpoint: .payos)
            #expect(reply.status == 200 && reply.body == #"{"success":true}"#)
        }
    }

    @Test func sepayMatchesTheOrderCodeAnywhereInTheMemoInAnyCase() async throws {
        let transaction = F.order(.vietqr)
        let orders = MemoryOrders([transaction, F.order(.vietqr)])
        let memo = "NGUYEN VAN A chuyen tien wifi\(transaction.orderCode.description.lowercased())xx"
        let (headers, body) = BankWebhooks.sepay(id: 92704, amount: 10_000, content: memo)
        let outcome = try await F.vietqr(.sepay).verifyCallback(
            ProviderCallback(endpoint: .sepay, method: "POST", headers: headers, body: body), orders: orders)
        #expect(outcome.transaction.id == transaction.id && outcome.status == .paid)
        #expect(outcome.providerReference == "sepay-92704")
    }

    @Test func sepayRejectsBadKeysWrongAmountsAndIgnoresOutgoingOrForeignTransfers() async throws {
        let transaction = F.order(.vietqr)
        let orders = MemoryOrders([transaction])
        let code = transaction.orderCode.description
        let cases: [(String, ([String: String], [UInt8]), String)] = [
            ("wrong key", BankWebhooks.sepay(id: 1, amount: 10_000, content: code, apiKey: "guess"), "bad signature"),
            ("wrong amount", BankWebhooks.sepay(id: 2, amount: 9_000, content: code), "costs"),
            ("outgoing", BankWebhooks.sepay(id: 3, amount: 10_000, content: code, type: "out"), "ignored"),
            ("other account", BankWebhooks.sepay(id: 4, amount: 10_000, content: code, account: "999"), "ignored"),
            ("no order code", BankWebhooks.sepay(id: 5, amount: 10_000, content: "tien nha thang 11"), "unknown order"),
        ]
        for (name, (headers, body), expected) in cases {
            do throws(CallbackRejection) {
                _ = try await F.vietqr(.sepay).verifyCallback(
                    ProviderCallback(endpoint: .sepay, method: "POST", headers: headers, body: body), orders: orders)
                Issue.record("\(name): verified")
            } catch {
                #expect(error.description.contains(expected), "\(name): \(error)")
            }
        }
    }

    @Test func cassoChecksTheSignatureOverTheWholeBody() async throws {
        let transaction = F.order(.vietqr)
        let orders = MemoryOrders([transaction])
        let provider = F.vietqr(.casso)
        let (headers, body) = BankWebhooks.casso(id: 77, amount: 10_000, description: "CT \(transaction.orderCode)")
        let outcome = try await provider.verifyCallback(
            ProviderCallback(endpoint: .casso, method: "POST", headers: headers, body: body), orders: orders)
        #expect(outcome.status == .paid && outcome.providerReference == "casso-77")
        var tampered = body
        tampered[tampered.firstIndex(of: UInt8(ascii: "1"))!] = UInt8(ascii: "2")
        let forged = BankWebhooks.casso(id: 77, amount: 10_000, description: "x", key: "guess")
        for (h, b) in [(headers, tampered), (forged.headers, forged.body), ([:], body)] {
            await #expect(throws: CallbackRejection.self) {
                try await provider.verifyCallback(
                    ProviderCallback(endpoint: .casso, method: "POST", headers: h, body: b), orders: orders)
            }
        }
    }

    @Test func bankTransfersHaveNoRefundAPI() async throws {
        var transaction = F.order(.vietqr)
        transaction.status = .paid
        await #expect(throws: ProviderError.unsupported(provider: .vietqr, operation: "refund")) {
            try await F.vietqr(.sepay).refund(
                RefundRequest(
                    transaction: transaction, amount: transaction.amount, reason: "x", requestedBy: "op",
                    refundID: "R1"))
        }
    }
}
