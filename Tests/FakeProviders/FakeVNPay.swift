import Foundation
import Hummingbird

/// VNPay 2.1.0: the pay page, `querydr` and `refund` (docs/PROVIDERS.md §2).
extension FakeProviderServer {
    static let vnpayQueryFields = [
        "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef", "vnp_TransactionDate",
        "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo",
    ]
    static let vnpayRefundFields = [
        "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType", "vnp_TxnRef",
        "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy", "vnp_CreateDate", "vnp_IpAddr",
        "vnp_OrderInfo",
    ]
    static let vnpayQueryAnswerFields = [
        "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef", "vnp_Amount",
        "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType", "vnp_TransactionStatus",
        "vnp_OrderInfo", "vnp_PromotionCode", "vnp_PromotionAmount",
    ]
    static let vnpayRefundAnswerFields = Array(vnpayQueryAnswerFields.dropLast(2))

    /// Decodes a form-encoded query the way PHP's `$_GET` does.
    public static func formFields(_ query: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    func registerVNPay(on router: Hummingbird.Router<BasicRequestContext>) {
        router.get("/paymentv2/vpcpay.html") { request, _ -> Response in
            let fields = Self.formFields(request.uri.query ?? "")
            await ledger.log("vnpay pay")
            guard fields["vnp_SecureHash"] == FakeSigning.vnpayHash(FakeCredentials.vnpayHashSecret, fields) else {
                await ledger.refuse("vnpay pay: signature")
                return Response(status: .badRequest, body: ResponseBody(byteBuffer: ByteBuffer(string: "Sai chữ ký")))
            }
            guard fields["vnp_TmnCode"] == FakeCredentials.vnpayTmnCode, fields["vnp_Version"] == "2.1.0",
                fields["vnp_Command"] == "pay", fields["vnp_CurrCode"] == "VND", fields["vnp_SecureHashType"] == nil,
                let amount = Int64(fields["vnp_Amount"] ?? ""), amount % 100 == 0,
                let txnRef = fields["vnp_TxnRef"], let createDate = fields["vnp_CreateDate"], createDate.count == 14
            else {
                await ledger.refuse("vnpay pay: bad request")
                return Response(status: .badRequest, body: ResponseBody(byteBuffer: ByteBuffer(string: "Sai tham số")))
            }
            await ledger.putVNPay(
                txnRef,
                FakeLedger.VNPayOrder(
                    amountHundredths: amount, orderInfo: fields["vnp_OrderInfo"] ?? "", createDate: createDate,
                    returnURL: fields["vnp_ReturnUrl"] ?? ""))
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "<h1>VNPAY (fake)</h1>")))
        }
        router.post("/merchant_webapi/api/transaction") { request, _ -> Response in
            let body = try await Self.object(request)
            let command = body["vnp_Command"] as? String ?? ""
            await ledger.log("vnpay \(command)")
            let order = command == "refund" ? Self.vnpayRefundFields : Self.vnpayQueryFields
            let signed = order.map { FakeSigning.text(body[$0]) }.joined(separator: "|")
            guard
                body["vnp_SecureHash"] as? String
                    == FakeSigning.hmacSHA512(FakeCredentials.vnpayHashSecret, signed)
            else {
                await ledger.refuse("vnpay \(command): signature")
                return Self.json(["vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"])
            }
            let txnRef = body["vnp_TxnRef"] as? String ?? ""
            guard let stored = await ledger.vnpay[txnRef] else {
                return Self.vnpayAnswer(command, txnRef, code: "91", message: "Không tìm thấy giao dịch", order: nil)
            }
            if command == "refund" {
                let amount = Int64(FakeSigning.text(body["vnp_Amount"])) ?? 0
                let full = body["vnp_TransactionType"] as? String == "02"
                guard stored.transactionStatus == "00", body["vnp_TransactionNo"] as? String == stored.transactionNo,
                    amount > 0, stored.refunded + amount <= stored.amountHundredths,
                    !full || amount == stored.amountHundredths
                else {
                    await ledger.refuse("vnpay refund: not refundable")
                    return Self.vnpayAnswer(command, txnRef, code: "94", message: "Yêu cầu không hợp lệ", order: stored)
                }
                let after = await ledger.updateVNPay(txnRef) { $0.refunded += amount }
                return Self.vnpayAnswer(command, txnRef, code: "00", message: "Refund success", order: after)
            }
            return Self.vnpayAnswer(command, txnRef, code: "00", message: "QueryDR Success", order: stored)
        }
    }

    static func vnpayAnswer(
        _ command: String, _ txnRef: String, code: String, message: String, order: FakeLedger.VNPayOrder?
    )
        -> Response
    {
        var answer: [String: Any] = [
            "vnp_ResponseId": UUID().uuidString.replacingOccurrences(of: "-", with: ""), "vnp_Command": command,
            "vnp_ResponseCode": code, "vnp_Message": message, "vnp_TmnCode": FakeCredentials.vnpayTmnCode,
            "vnp_TxnRef": txnRef, "vnp_Amount": order.map { String($0.amountHundredths) } ?? "",
            "vnp_BankCode": "NCB", "vnp_PayDate": "20261127100000", "vnp_TransactionNo": order?.transactionNo ?? "",
            "vnp_TransactionType": command == "refund" ? "02" : "01",
            "vnp_TransactionStatus": order?.transactionStatus ?? "", "vnp_OrderInfo": order?.orderInfo ?? "",
            "vnp_PromotionCode": "", "vnp_PromotionAmount": "",
        ]
        let fields = command == "refund" ? vnpayRefundAnswerFields : vnpayQueryAnswerFields
        answer["vnp_SecureHash"] = FakeSigning.hmacSHA512(
            FakeCredentials.vnpayHashSecret, fields.map { FakeSigning.text(answer[$0]) }.joined(separator: "|"))
        return json(answer)
    }

    /// The IPN query VNPay would send for `txnRef`, signed; tests may tamper with it.
    public func vnpayIPNFields(txnRef: String, responseCode: String = "00", transactionStatus: String = "00")
        async throws -> [String: String]
    {
        let number = String(await ledger.number())
        guard
            let order = await ledger.updateVNPay(
                txnRef,
                {
                    $0.responseCode = responseCode
                    $0.transactionStatus = transactionStatus
                    if transactionStatus == "00" { $0.transactionNo = number }
                })
        else { throw HTTPError(.notFound, message: "the fake VNPay has no order \(txnRef)") }
        var fields = [
            "vnp_Amount": String(order.amountHundredths), "vnp_BankCode": "NCB", "vnp_BankTranNo": "VNP\(number)",
            "vnp_CardType": "ATM", "vnp_OrderInfo": order.orderInfo, "vnp_PayDate": "20261127100000",
            "vnp_ResponseCode": responseCode, "vnp_TmnCode": FakeCredentials.vnpayTmnCode,
            "vnp_TransactionNo": number, "vnp_TransactionStatus": transactionStatus, "vnp_TxnRef": txnRef,
        ]
        fields["vnp_SecureHash"] = FakeSigning.vnpayHash(FakeCredentials.vnpayHashSecret, fields)
        return fields
    }

    public static func query(_ fields: [String: String]) -> String {
        fields.sorted { $0.key < $1.key }.map {
            FakeSigning.phpURLEncode($0.key) + "=" + FakeSigning.phpURLEncode($0.value)
        }
        .joined(separator: "&")
    }

    /// The guest pays: VNPay calls the merchant's IPN URL with a GET.
    public func vnpayPay(txnRef: String, responseCode: String = "00", transactionStatus: String = "00") async throws
        -> Delivery
    {
        let fields = try await vnpayIPNFields(
            txnRef: txnRef, responseCode: responseCode, transactionStatus: transactionStatus)
        return try await Self.deliver("GET", callbackBase() + "/vnpay?" + Self.query(fields))
    }
}
