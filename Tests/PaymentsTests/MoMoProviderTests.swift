import FakeProviders
import Foundation
import HotspotPayCore
import Payments
import TestSupport
import Testing

@Suite struct MoMoProviderTests {
    typealias F = ProviderFixtures

    /// Creates `transaction` at the fake and returns the IPN the fake would send for it.
    static func createdAndPaid(_ fake: FakeProviderServer, _ base: String, _ transaction: Transaction, code: Int64 = 0)
        async throws -> (request: PaymentRequest, url: String, body: [String: Any])
    {
        let request = try await F.momo(base).createPayment(
            for: transaction, plan: Fixtures.plan(), context: F.context)
        let (url, body) = try await fake.momoIPN(orderID: request.providerOrderID, resultCode: code)
        return (request, url, body)
    }

    static func callback(_ body: [String: Any], token: String?) -> ProviderCallback {
        ProviderCallback(endpoint: .momo, method: "POST", body: F.json(body), token: token)
    }

    @Test func createIsSignedAsDocumentedAndCarriesTheDeviceInExtraData() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let transaction = F.order(.momo)
            let (request, url, _) = try await Self.createdAndPaid(fake, base, transaction)
            #expect(await fake.ledger.refusals.isEmpty)
            #expect(request.payURL?.hasPrefix("https://test-payment.momo.vn/") == true)
            #expect(request.deeplink?.hasPrefix("momo://") == true)
            #expect(request.providerOrderID.hasPrefix(transaction.orderCode.description + "-"))
            #expect(url == "http://portal.test/callbacks/momo/\(transaction.callbackToken.hex)")
            let order = try #require(await fake.ledger.momo[request.providerOrderID])
            let extra =
                try JSONSerialization.jsonObject(with: Data(base64Encoded: order.extraData)!) as! [String: String]
            #expect(extra == ["mac": "AA:BB:CC:DD:EE:01", "plan": "1h", "router": "cafe"])
            #expect(order.amount == 10_000 && order.requestType == "captureWallet")
        }
    }

    @Test func theFakesIPNVerifiesAsPaidWithMoMosTransId() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let transaction = F.order(.momo)
            let (request, _, body) = try await Self.createdAndPaid(fake, base, transaction)
            let outcome = try await F.momo(base).verifyCallback(
                Self.callback(body, token: transaction.callbackToken.hex), orders: MemoryOrders([transaction]))
            #expect(outcome.status == .paid)
            #expect(outcome.transaction.id == transaction.id)
            #expect(outcome.amount == Money(dong: 10_000))
            #expect(outcome.providerReference == String(describing: body["transId"]!))
            #expect(outcome.providerOrderID == request.providerOrderID)
        }
    }

    @Test(arguments: [(1006, "failed"), (1003, "failed"), (1000, "pending"), (7000, "pending"), (9000, "paid")])
    func resultCodesMapToTheirMeaning(code: Int64, meaning: String) async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let transaction = F.order(.momo)
            let (_, _, body) = try await Self.createdAndPaid(fake, base, transaction, code: code)
            let outcome = try await F.momo(base).verifyCallback(
                Self.callback(body, token: transaction.callbackToken.hex), orders: MemoryOrders([transaction]))
            switch outcome.status {
            case .paid: #expect(meaning == "paid")
            case .failed(let reported, _): #expect(meaning == "failed" && reported == String(code))
            case .pending: #expect(meaning == "pending")
            }
        }
    }

    /// Every way of forging or breaking a genuine IPN; none may come out paid.
    static let forgeries: [(String, @Sendable ([String: Any]) -> [String: Any])] = [
        (
            "amount raised",
            {
                var b = $0
                b["amount"] = 20_000
                return b
            }
        ),
        (
            "amount lowered",
            {
                var b = $0
                b["amount"] = 1_000
                return b
            }
        ),
        (
            "order changed",
            {
                var b = $0
                b["orderId"] = "ZZZZZZ-000000000000"
                return b
            }
        ),
        (
            "result changed",
            {
                var b = $0
                b["resultCode"] = 0
                b["message"] = "x"
                return b
            }
        ),
        (
            "signature zeroed",
            {
                var b = $0
                b["signature"] = String(repeating: "0", count: 64)
                return b
            }
        ),
        (
            "signature missing",
            {
                var b = $0
                b["signature"] = nil
                return b
            }
        ),
        (
            "amount missing",
            {
                var b = $0
                b["amount"] = nil
                return b
            }
        ),
        (
            "amount as fraction",
            {
                var b = $0
                b["amount"] = 10_000.5
                return b
            }
        ),
        (
            "partner changed",
            {
                var b = $0
                b["partnerCode"] = "MOMOX"
                return b
            }
        ),
        (
            "transId changed",
            {
                var b = $0
                b["transId"] = 1
                return b
            }
        ),
    ]

    @Test func forgedIPNsAreTypedRejectionsNeverPaid() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let transaction = F.order(.momo)
            let (_, _, body) = try await Self.createdAndPaid(fake, base, transaction)
            let provider = F.momo(base)
            let orders = MemoryOrders([transaction])
            for (name, forge) in Self.forgeries {
                await #expect(throws: CallbackRejection.self, "\(name)") {
                    try await provider.verifyCallback(
                        Self.callback(forge(body), token: transaction.callbackToken.hex), orders: orders)
                }
            }
        }
    }

    @Test func aGenuineIPNWithAnotherOrdersTokenOrNoneIsRefused() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let transaction = F.order(.momo)
            let (_, _, body) = try await Self.createdAndPaid(fake, base, transaction)
            let orders = MemoryOrders([transaction])
            for token in [nil, F.order(.momo).callbackToken.hex] {
                await #expect(throws: CallbackRejection.self) {
                    try await F.momo(base).verifyCallback(Self.callback(body, token: token), orders: orders)
                }
            }
        }
    }

    @Test func bodiesThatAreNotJSONOrTooLargeAreMalformed() async throws {
        let provider = F.momo("http://127.0.0.1:9")
        let orders = MemoryOrders()
        let bodies: [[UInt8]] = [
            [0xFF, 0xFE, 0x7B, 0x7D], Array("not json".utf8), Array("[1,2]".utf8),
            Array(repeating: UInt8(ascii: " "), count: 70_000), [],
        ]
        for body in bodies {
            await #expect(throws: CallbackRejection.self) {
                try await provider.verifyCallback(
                    ProviderCallback(endpoint: .momo, method: "POST", body: body, token: "x"), orders: orders)
            }
        }
    }

    @Test func aDatabaseOutageIsUnavailableSoMoMoRetries() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let transaction = F.order(.momo)
            let (_, _, body) = try await Self.createdAndPaid(fake, base, transaction)
            do throws(CallbackRejection) {
                _ = try await F.momo(base).verifyCallback(
                    Self.callback(body, token: transaction.callbackToken.hex), orders: BrokenOrders())
                Issue.record("expected a rejection")
            } catch {
                guard case .unavailable = error else { throw error }
                #expect(F.momo(base).reply(to: .rejected(error), endpoint: .momo).status == 503)
            }
        }
    }

    @Test func repliesAre204WhenHandled() {
        let provider = F.momo("http://127.0.0.1:9")
        #expect(provider.reply(to: .recorded, endpoint: .momo).status == 204)
        #expect(provider.reply(to: .alreadyRecorded, endpoint: .momo).status == 204)
        #expect(provider.reply(to: .rejected(.badSignature("x")), endpoint: .momo).status == 400)
    }

    @Test func queryReportsPendingThenPaidAndUnknownOrdersAsNotFound() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let provider = F.momo(base)
            let transaction = F.order(.momo)
            #expect(try await provider.queryStatus(of: transaction) == .notFound)
            let request = try await provider.createPayment(for: transaction, plan: Fixtures.plan(), context: F.context)
            #expect(try await provider.queryStatus(of: transaction) == .pending(code: "1000"))
            _ = try await fake.momoIPN(orderID: request.providerOrderID)
            guard case .paid(let reference, let amount) = try await provider.queryStatus(of: transaction) else {
                Issue.record("expected paid")
                return
            }
            #expect(amount == Money(dong: 10_000) && !reference.isEmpty)
            #expect(await fake.ledger.refusals.isEmpty)
        }
    }

    @Test func refundsFullyOrPartlyAndRefusesMoreThanWasPaid() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let provider = F.momo(base)
            var transaction = F.order(.momo)
            let request = try await provider.createPayment(for: transaction, plan: Fixtures.plan(), context: F.context)
            let (_, body) = try await fake.momoIPN(orderID: request.providerOrderID)
            transaction.status = .paid
            transaction.providerReference = String(describing: body["transId"]!)
            let partial = try await provider.refund(
                RefundRequest(
                    transaction: transaction, amount: Money(dong: 4_000), reason: "Khách đổi ý", requestedBy: "op",
                    refundID: "R\(transaction.orderCode)-1"))
            #expect(partial.amount == Money(dong: 4_000))
            do throws(ProviderError) {
                _ = try await provider.refund(
                    RefundRequest(
                        transaction: transaction, amount: Money(dong: 7_000), reason: "again", requestedBy: "op",
                        refundID: "R\(transaction.orderCode)-2"))
                Issue.record("expected a refusal")
            } catch {
                guard case .refused(_, "refund", "1080", _) = error else { throw error }
            }
            await #expect(throws: ProviderError.self) {
                try await provider.refund(
                    RefundRequest(
                        transaction: transaction, amount: Money(dong: 10_001), reason: "x", requestedBy: "op",
                        refundID: "R3"))
            }
        }
    }

    @Test func aSlowMoMoIsATypedTimeoutAndARefusalCarriesMoMosCode() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            await fake.ledger.setMoMoCreateDelay(.seconds(3))
            do throws(ProviderError) {
                _ = try await F.momo(base, timeout: 1).createPayment(
                    for: F.order(.momo), plan: Fixtures.plan(), context: F.context)
                Issue.record("expected a timeout")
            } catch {
                guard case .timeout(.momo, "create", 1) = error else { throw error }
            }
            await fake.ledger.setMoMoCreateDelay(nil)
            await fake.ledger.setMoMoCreateResultCode(41)
            do throws(ProviderError) {
                _ = try await F.momo(base).createPayment(for: F.order(.momo), plan: Fixtures.plan(), context: F.context)
                Issue.record("expected a refusal")
            } catch {
                guard case .refused(.momo, "create", "41", let message) = error else { throw error }
                #expect(message == "Forced by the test")
            }
        }
    }

    @Test func nothingListeningIsATransportError() async throws {
        do throws(ProviderError) {
            _ = try await F.momo("http://127.0.0.1:9").createPayment(
                for: F.order(.momo), plan: Fixtures.plan(), context: F.context)
            Issue.record("expected an error")
        } catch {
            guard case .transport(.momo, "create", _) = error else { throw error }
        }
    }
}
