import FakeProviders
import Foundation
import HotspotPayCore
import Payments
import TestSupport
import Testing

@Suite struct VNPayProviderTests {
    typealias F = ProviderFixtures

    /// Opens the pay URL at the fake (which checks its hash) and returns the IPN fields it
    /// would then send.
    static func paid(_ fake: FakeProviderServer, _ base: String, _ transaction: Transaction, status: String = "00")
        async throws -> (request: PaymentRequest, fields: [String: String])
    {
        let request = try await F.vnpay(base).createPayment(
            for: transaction, plan: Fixtures.plan(), context: F.context)
        let page = try await FakeProviderServer.deliver("GET", try #require(request.payURL))
        #expect(page.status == 200)
        let fields = try await fake.vnpayIPNFields(
            txnRef: request.providerOrderID, responseCode: status == "00" ? "00" : "24", transactionStatus: status)
        return (request, fields)
    }

    static func ipn(_ fields: [String: String]) -> ProviderCallback {
        ProviderCallback(endpoint: .vnpay, method: "GET", query: FakeProviderServer.query(fields))
    }

    @Test func thePayURLIsAcceptedByVNPayWithAmountTimesAHundredAndTheMACInOrderInfo() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let transaction = F.order(.vnpay)
            let (request, _) = try await Self.paid(fake, base, transaction)
            #expect(await fake.ledger.refusals.isEmpty)
            let order = try #require(await fake.ledger.vnpay[request.providerOrderID])
            #expect(order.amountHundredths == 1_000_000)
            #expect(order.orderInfo == "WiFi \(transaction.orderCode) AA-BB-CC-DD-EE-01")
            let query = FakeProviderServer.formFields(String(request.payURL!.split(separator: "?")[1]))
            #expect(query["vnp_Locale"] == "vn" && query["vnp_IpAddr"] == "10.5.50.7")
            #expect(query["vnp_SecureHashType"] == nil)
        }
    }

    @Test(arguments: [
        (1_609_459_200.0, "20210101070000", "20210101071500"),  // 00:00 UTC is 07:00 in Hà Nội
        (1_709_238_615.0, "20240301033015", "20240301034515"),  // 29 Feb 20:30:15 UTC crosses into March
        (1_767_225_599.0, "20260101065959", "20260101071459"),  // New Year's Eve 23:59:59 UTC
    ])
    func datesAreVietnamTimeWithoutACalendar(epoch: Double, created: String, expires: String) async throws {
        let transaction = Fixtures.transaction(provider: .vnpay, now: Date(timeIntervalSince1970: epoch), window: 900)
        let request = try await F.vnpay("http://vnpay.test").createPayment(
            for: transaction, plan: Fixtures.plan(), context: F.context)
        let query = FakeProviderServer.formFields(String(request.payURL!.split(separator: "?")[1]))
        #expect(query["vnp_CreateDate"] == created && query["vnp_ExpireDate"] == expires)
    }

    @Test func aGenuineIPNIsPaidWithVNPaysTransactionNumber() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let transaction = F.order(.vnpay)
            let (_, fields) = try await Self.paid(fake, base, transaction)
            let outcome = try await F.vnpay(base).verifyCallback(Self.ipn(fields), orders: MemoryOrders([transaction]))
            #expect(outcome.status == .paid && outcome.amount == Money(dong: 10_000))
            #expect(outcome.providerReference == fields["vnp_TransactionNo"])
        }
    }

    @Test func aCancelledPaymentIsAFailureAndPendingStaysPending() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let transaction = F.order(.vnpay)
            let orders = MemoryOrders([transaction])
            let (_, failed) = try await Self.paid(fake, base, transaction, status: "02")
            #expect(
                try await F.vnpay(base).verifyCallback(Self.ipn(failed), orders: orders).status
                    == .failed(code: "24", message: "vnp_TransactionStatus 02"))
            let pending = try await fake.vnpayIPNFields(
                txnRef: ProviderOrderID(transaction).description, responseCode: "00", transactionStatus: "01")
            #expect(
                try await F.vnpay(base).verifyCallback(Self.ipn(pending), orders: orders).status == .pending(code: "01")
            )
        }
    }

    @Test func forgedOrBrokenIPNsGetTheirRspCode() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let transaction = F.order(.vnpay)
            let (_, fields) = try await Self.paid(fake, base, transaction)
            let provider = F.vnpay(base)
            let orders = MemoryOrders([transaction])
            let signer = VNPaySigner(hashSecret: FakeCredentials.vnpayHashSecret)
            func resigned(_ change: (inout [String: String]) -> Void) -> [String: String] {
                var copy = fields
                change(&copy)
                copy["vnp_SecureHash"] = signer.hash(copy)
                return copy
            }
            let cases: [(String, String, String)] = [
                ("amount changed", FakeProviderServer.query(fields.merging(["vnp_Amount": "2000000"]) { $1 }), "97"),
                (
                    "order changed",
                    FakeProviderServer.query(fields.merging(["vnp_TxnRef": "ABC234-000000000000"]) { $1 }), "97"
                ),
                ("unknown field added", FakeProviderServer.query(fields.merging(["vnp_Extra": "1"]) { $1 }), "97"),
                ("hash missing", FakeProviderServer.query(fields.filter { $0.key != "vnp_SecureHash" }), "97"),
                ("parameter twice", FakeProviderServer.query(fields) + "&vnp_Amount=1", "99"),
                ("broken escape", FakeProviderServer.query(fields) + "&x=%G1", "99"),
                ("not UTF-8", FakeProviderServer.query(fields) + "&x=%FF", "99"),
                ("signed, wrong amount", FakeProviderServer.query(resigned { $0["vnp_Amount"] = "500000" }), "04"),
                (
                    "signed, unknown order",
                    FakeProviderServer.query(resigned { $0["vnp_TxnRef"] = "ABC234-000000000000" }), "01"
                ),
                ("signed, other terminal", FakeProviderServer.query(resigned { $0["vnp_TmnCode"] = "OTHER001" }), "99"),
                ("signed, amount missing", FakeProviderServer.query(resigned { $0["vnp_Amount"] = nil }), "99"),
                ("huge", FakeProviderServer.query(fields) + "&x=" + String(repeating: "a", count: 9000), "99"),
            ]
            for (name, query, code) in cases {
                do throws(CallbackRejection) {
                    _ = try await provider.verifyCallback(
                        ProviderCallback(endpoint: .vnpay, method: "GET", query: query), orders: orders)
                    Issue.record("\(name): verified")
                } catch {
                    let reply = provider.reply(to: .rejected(error), endpoint: .vnpay)
                    #expect(reply.status == 200)
                    #expect(reply.body.contains(#""RspCode":"\#(code)""#), "\(name): \(error)")
                }
            }
        }
    }

    @Test func repliesFollowVNPaysCodes() {
        let provider = F.vnpay("http://127.0.0.1:9")
        #expect(
            provider.reply(to: .recorded, endpoint: .vnpay).body == #"{"RspCode":"00","Message":"Confirm Success"}"#)
        #expect(provider.reply(to: .alreadyRecorded, endpoint: .vnpay).body.contains(#""RspCode":"02""#))
        #expect(provider.reply(to: .failed("db"), endpoint: .vnpay).body.contains(#""RspCode":"99""#))
    }

    @Test func querydrAndRefundAreSignedAndTheirAnswersChecked() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let provider = F.vnpay(base)
            var transaction = F.order(.vnpay)
            #expect(try await provider.queryStatus(of: transaction) == .notFound)
            let (_, fields) = try await Self.paid(fake, base, transaction)
            #expect(
                try await provider.queryStatus(of: transaction)
                    == .paid(providerReference: fields["vnp_TransactionNo"]!, amount: Money(dong: 10_000)))
            transaction.status = .paid
            transaction.providerReference = fields["vnp_TransactionNo"]
            let receipt = try await provider.refund(
                RefundRequest(
                    transaction: transaction, amount: Money(dong: 3_000), reason: "Hoàn một phần",
                    requestedBy: "Nguyễn Văn A", refundID: "R1"))
            #expect(receipt.amount == Money(dong: 3_000))
            #expect(await fake.ledger.vnpay[ProviderOrderID(transaction).description]?.refunded == 300_000)
            #expect(await fake.ledger.refusals.isEmpty)
            do throws(ProviderError) {
                _ = try await provider.refund(
                    RefundRequest(
                        transaction: transaction, amount: Money(dong: 10_000), reason: "again", requestedBy: "op",
                        refundID: "R2"))
                Issue.record("a second full refund went through")
            } catch {
                guard case .refused(.vnpay, "refund", "94", _) = error else { throw error }
            }
        }
    }
}
