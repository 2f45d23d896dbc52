import Foundation
import Hummingbird

/// payOS: payment links with a VietQR, their status, and the signed webhook (docs/PROVIDERS.md §4).
extension FakeProviderServer {
    func registerPayOS(on router: Hummingbird.Router<BasicRequestContext>) {
        router.post("/v2/payment-requests") { request, _ -> Response in
            await ledger.log("payos create")
            guard request.headers[.init("x-client-id")!] == FakeCredentials.payOSClientID,
                request.headers[.init("x-api-key")!] == FakeCredentials.payOSAPIKey
            else {
                await ledger.refuse("payos create: credentials")
                return Self.json(["code": "401", "desc": "Unauthorized", "data": NSNull()], status: .unauthorized)
            }
            let body = try await Self.object(request)
            let keys = ["amount", "cancelUrl", "description", "orderCode", "returnUrl"]
            guard
                body["signature"] as? String
                    == FakeSigning.hmacSHA256(FakeCredentials.payOSChecksumKey, FakeSigning.rawPairs(keys, body))
            else {
                await ledger.refuse("payos create: signature")
                return Self.json(["code": "201", "desc": "Signature is invalid", "data": NSNull()])
            }
            guard let orderCode = (body["orderCode"] as? NSNumber)?.int64Value, orderCode <= 9_007_199_254_740_991,
                let amount = (body["amount"] as? NSNumber)?.int64Value, amount > 0,
                let description = body["description"] as? String, description.count <= 25
            else {
                await ledger.refuse("payos create: bad request")
                return Self.json(["code": "20", "desc": "Invalid parameters", "data": NSNull()])
            }
            let linkID = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let qr = Self.vietQR(amount: amount, purpose: "CSP\(orderCode % 100_000) \(description)")
            let order = FakeLedger.PayOSOrder(
                amount: amount, description: description, paymentLinkID: linkID, qrCode: qr)
            guard await ledger.putPayOS(orderCode, order) else {
                return Self.json(["code": "231", "desc": "Đơn thanh toán đã tồn tại", "data": NSNull()])
            }
            let data: [String: Any] = [
                "bin": FakeCredentials.bankBIN, "accountNumber": FakeCredentials.accountNumber,
                "accountName": "FAKE VENUE", "amount": amount, "description": description, "orderCode": orderCode,
                "currency": "VND", "paymentLinkId": linkID, "status": "PENDING",
                "checkoutUrl": "https://pay.payos.vn/web/\(linkID)", "qrCode": qr,
            ]
            return Self.json([
                "code": "00", "desc": "success", "data": data,
                "signature": FakeSigning.payOSData(FakeCredentials.payOSChecksumKey, data),
            ])
        }
        router.get("/v2/payment-requests/{orderCode}") { request, context -> Response in
            await ledger.log("payos get")
            guard request.headers[.init("x-api-key")!] == FakeCredentials.payOSAPIKey else {
                return Self.json(["code": "401", "desc": "Unauthorized", "data": NSNull()], status: .unauthorized)
            }
            guard let code = Int64(context.parameters.get("orderCode") ?? ""), let order = await ledger.payOS[code]
            else {
                return Self.json(["code": "101", "desc": "Mã thanh toán không tồn tại", "data": NSNull()])
            }
            let paid = order.status == "PAID"
            let transactions: [[String: Any]] =
                paid
                ? [
                    [
                        "reference": order.reference ?? "", "amount": order.amount,
                        "accountNumber": FakeCredentials.accountNumber, "description": order.description,
                        "transactionDateTime": "2026-11-27 10:00:00",
                    ]
                ] : []
            let data: [String: Any] = [
                "id": order.paymentLinkID, "orderCode": code, "amount": order.amount,
                "amountPaid": paid ? order.amount : 0, "amountRemaining": paid ? 0 : order.amount,
                "status": order.status, "createdAt": "2026-11-27T10:00:00+07:00", "transactions": transactions,
                "canceledAt": NSNull(), "cancellationReason": NSNull(),
            ]
            return Self.json([
                "code": "00", "desc": "success", "data": data,
                "signature": FakeSigning.payOSData(FakeCredentials.payOSChecksumKey, data),
            ])
        }
    }

    /// The webhook payOS sends when the transfer for `orderCode` arrives; tests may tamper with it.
    public func payOSWebhook(orderCode: Int64, code: String = "00") async throws -> [String: Any] {
        let reference = "FT\(await ledger.number())"
        guard
            let order = await ledger.updatePayOS(
                orderCode,
                {
                    if code == "00" {
                        $0.status = "PAID"
                        $0.reference = reference
                    }
                })
        else { throw HTTPError(.notFound, message: "the fake payOS has no order \(orderCode)") }
        let data: [String: Any] = [
            "orderCode": orderCode, "amount": order.amount, "description": order.description,
            "accountNumber": FakeCredentials.accountNumber, "reference": reference,
            "transactionDateTime": "2026-11-27 10:00:00", "currency": "VND", "paymentLinkId": order.paymentLinkID,
            "code": code, "desc": code == "00" ? "success" : "failed", "counterAccountBankId": "",
            "counterAccountBankName": "", "counterAccountName": NSNull(), "counterAccountNumber": NSNull(),
            "virtualAccountName": "", "virtualAccountNumber": "",
        ]
        return [
            "code": "00", "desc": "success", "success": true, "data": data,
            "signature": FakeSigning.payOSData(FakeCredentials.payOSChecksumKey, data),
        ]
    }

    public func payOSPay(orderCode: Int64) async throws -> Delivery {
        let body = try await payOSWebhook(orderCode: orderCode)
        return try await Self.deliver(
            "POST", callbackBase() + "/payos", headers: ["content-type": "application/json"],
            body: Array(try JSONSerialization.data(withJSONObject: body)))
    }

    /// A dynamic VietQR built from the NAPAS layout, independently of `VietQRPayload`.
    static func vietQR(amount: Int64, purpose: String) -> String {
        func tlv(_ id: String, _ value: String) -> String { id + String(format: "%02d", value.count) + value }
        let account = tlv("00", FakeCredentials.bankBIN) + tlv("01", FakeCredentials.accountNumber)
        let merchant = tlv("00", "A000000727") + tlv("01", account) + tlv("02", "QRIBFTTA")
        let body =
            tlv("00", "01") + tlv("01", "12") + tlv("38", merchant) + tlv("53", "704") + tlv("54", String(amount))
            + tlv("58", "VN") + tlv("62", tlv("08", purpose)) + "6304"
        var crc: UInt16 = 0xFFFF
        for byte in body.utf8 {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        }
        return body + String(format: "%04X", crc)
    }
}
