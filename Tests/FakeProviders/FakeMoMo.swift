import Foundation
import Hummingbird

/// MoMo All-In-One v2: `/v2/gateway/api/create|query|refund` (docs/PROVIDERS.md §1).
extension FakeProviderServer {
    static let momoCreateKeys = [
        "accessKey", "amount", "extraData", "ipnUrl", "orderId", "orderInfo", "partnerCode", "redirectUrl", "requestId",
        "requestType",
    ]
    static let momoIPNKeys = [
        "accessKey", "amount", "extraData", "message", "orderId", "orderInfo", "orderType", "partnerCode", "payType",
        "requestId", "responseTime", "resultCode", "transId",
    ]

    /// MoMo's signature over `keys` (accessKey included though not in the body).
    public static func momoSignature(_ keys: [String], _ body: [String: Any]) -> String {
        var values = body
        values["accessKey"] = FakeCredentials.momoAccessKey
        return FakeSigning.hmacSHA256(FakeCredentials.momoSecretKey, FakeSigning.rawPairs(keys, values))
    }

    func registerMoMo(on router: Hummingbird.Router<BasicRequestContext>) {
        router.post("/v2/gateway/api/create") { request, _ -> Response in
            let body = try await Self.object(request)
            await ledger.log("momo create")
            if let delay = await ledger.momoCreateDelay { try await Task.sleep(for: delay) }
            guard body["signature"] as? String == Self.momoSignature(Self.momoCreateKeys, body) else {
                await ledger.refuse("momo create: signature")
                return Self.momoAnswer(body, resultCode: 11, message: "Signature mismatch")
            }
            let orderID = body["orderId"] as? String ?? ""
            guard body["partnerCode"] as? String == FakeCredentials.momoPartnerCode,
                orderID.range(of: #"^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$"#, options: .regularExpression) != nil,
                let amount = (body["amount"] as? NSNumber)?.int64Value, (1_000...50_000_000).contains(amount),
                body["lang"] as? String == "vi" || body["lang"] as? String == "en"
            else {
                await ledger.refuse("momo create: bad request")
                return Self.momoAnswer(body, resultCode: 20, message: "Bad format request")
            }
            if let forced = await ledger.momoCreateResultCode {
                return Self.momoAnswer(body, resultCode: forced, message: "Forced by the test")
            }
            let order = FakeLedger.MoMoOrder(
                amount: amount, requestID: body["requestId"] as? String ?? "",
                orderInfo: body["orderInfo"] as? String ?? "",
                ipnURL: body["ipnUrl"] as? String ?? "", redirectURL: body["redirectUrl"] as? String ?? "",
                extraData: body["extraData"] as? String ?? "", requestType: body["requestType"] as? String ?? "")
            guard await ledger.putMoMo(orderID, order) else {
                return Self.momoAnswer(body, resultCode: 41, message: "Duplicate orderId")
            }
            return Self.momoAnswer(
                body, resultCode: 0, message: "Thành công.",
                extra: [
                    "payUrl": "https://test-payment.momo.vn/v2/gateway/pay?t=\(orderID)",
                    "deeplink": "momo://app?action=payWithApp&isScanQR=false&serviceType=app&sid=\(orderID)",
                    "qrCodeUrl": "momo://app?action=payWithApp&isScanQR=true&serviceType=qr&sid=\(orderID)",
                ])
        }
        router.post("/v2/gateway/api/query") { request, _ -> Response in
            let body = try await Self.object(request)
            await ledger.log("momo query")
            guard
                body["signature"] as? String
                    == Self.momoSignature(["accessKey", "orderId", "partnerCode", "requestId"], body)
            else {
                await ledger.refuse("momo query: signature")
                return Self.momoAnswer(body, resultCode: 11, message: "Signature mismatch")
            }
            guard let order = await ledger.momo[body["orderId"] as? String ?? ""] else {
                return Self.momoAnswer(body, resultCode: 42, message: "Order not found")
            }
            return Self.momoAnswer(
                body, resultCode: order.resultCode, message: "query",
                extra: ["amount": order.amount, "transId": order.transID ?? 0, "extraData": order.extraData])
        }
        router.post("/v2/gateway/api/refund") { request, _ -> Response in
            let body = try await Self.object(request)
            await ledger.log("momo refund")
            let keys = ["accessKey", "amount", "description", "orderId", "partnerCode", "requestId", "transId"]
            guard body["signature"] as? String == Self.momoSignature(keys, body) else {
                await ledger.refuse("momo refund: signature")
                return Self.momoAnswer(body, resultCode: 11, message: "Signature mismatch")
            }
            let transID = (body["transId"] as? NSNumber)?.int64Value
            let amount = (body["amount"] as? NSNumber)?.int64Value ?? 0
            let refundOrderID = body["orderId"] as? String ?? ""
            if await ledger.momoRefunds[refundOrderID] != nil {
                return Self.momoAnswer(body, resultCode: 41, message: "Duplicate orderId")
            }
            let paid = await ledger.momo.first { $0.value.transID == transID && $0.value.resultCode == 0 }
            guard let (orderID, order) = paid, amount > 0, order.refunded + amount <= order.amount else {
                await ledger.refuse("momo refund: not refundable")
                return Self.momoAnswer(body, resultCode: 1080, message: "Refund rejected")
            }
            _ = await ledger.updateMoMo(orderID) { $0.refunded += amount }
            let refundTransID = await ledger.number()
            await ledger.recordMoMoRefund(refundOrderID, amount: amount, transID: refundTransID)
            if let delay = await ledger.momoRefundDelay { try await Task.sleep(for: delay) }
            return Self.momoAnswer(body, resultCode: 0, message: "Thành công.", extra: ["transId": refundTransID])
        }
        // The refunds MoMo has for a refund orderId (its own orderId, not the purchase's).
        router.post("/v2/gateway/api/refund/query") { request, _ -> Response in
            let body = try await Self.object(request)
            await ledger.log("momo refund query")
            guard
                body["signature"] as? String
                    == Self.momoSignature(["accessKey", "orderId", "partnerCode", "requestId"], body)
            else {
                await ledger.refuse("momo refund query: signature")
                return Self.momoAnswer(body, resultCode: 11, message: "Signature mismatch")
            }
            let orderID = body["orderId"] as? String ?? ""
            var refunds: [[String: Any]] = []
            if let refund = await ledger.momoRefunds[orderID] {
                refunds.append([
                    "orderId": orderID, "amount": refund.amount, "resultCode": 0, "transId": refund.transID,
                    "createdTime": Int64(Date().timeIntervalSince1970 * 1000),
                ])
            }
            return Self.momoAnswer(body, resultCode: 0, message: "Thành công.", extra: ["refundTrans": refunds])
        }
    }

    static func momoAnswer(_ body: [String: Any], resultCode: Int64, message: String, extra: [String: Any] = [:])
        -> Response
    {
        var answer: [String: Any] = [
            "partnerCode": body["partnerCode"] ?? "", "orderId": body["orderId"] ?? "",
            "requestId": body["requestId"] ?? "", "amount": body["amount"] ?? 0,
            "responseTime": Int64(Date().timeIntervalSince1970 * 1000), "message": message, "resultCode": resultCode,
        ]
        answer.merge(extra) { $1 }
        return json(answer)
    }

    /// The IPN MoMo would send for `orderID` with `resultCode`, signed; tests may tamper with it.
    public func momoIPN(orderID: String, resultCode: Int64 = 0) async throws -> (url: String, body: [String: Any]) {
        let transID = await ledger.number()
        guard
            let order = await ledger.updateMoMo(
                orderID,
                {
                    $0.resultCode = resultCode
                    if resultCode == 0 { $0.transID = transID }
                })
        else { throw HTTPError(.notFound, message: "the fake MoMo has no order \(orderID)") }
        var body: [String: Any] = [
            "partnerCode": FakeCredentials.momoPartnerCode, "orderId": orderID, "requestId": order.requestID,
            "amount": order.amount, "orderInfo": order.orderInfo, "orderType": "momo_wallet", "transId": transID,
            "resultCode": resultCode, "message": resultCode == 0 ? "Thành công." : "Giao dịch thất bại.",
            "payType": "qr", "responseTime": Int64(Date().timeIntervalSince1970 * 1000), "extraData": order.extraData,
        ]
        body["signature"] = Self.momoSignature(Self.momoIPNKeys, body)
        return (order.ipnURL, body)
    }

    /// The guest pays (or fails to): MoMo posts the IPN to the order's ipnUrl.
    public func momoPay(orderID: String, resultCode: Int64 = 0) async throws -> Delivery {
        let (url, body) = try await momoIPN(orderID: orderID, resultCode: resultCode)
        return try await Self.deliver(
            "POST", url, headers: ["content-type": "application/json"],
            body: Array(try JSONSerialization.data(withJSONObject: body)))
    }
}
