import Foundation
import HotspotPayCore
import Logging

/// VNPay payment gateway 2.1.0 (docs/PROVIDERS.md §2): a signed pay URL, the IPN (GET) verified by
/// re-encoding, and `querydr`/`refund` on the merchant web API with `|`-joined hashes.
///
/// VNPay's IPN URL is set once in its merchant portal, so no per-transaction token can ride on
/// it: the SHA-512 signature, the terminal code, the order and the amount are what is checked.
public struct VNPayProvider: PaymentProvider {
    public let id = ProviderID.vnpay
    public let callbackEndpoints: [CallbackEndpoint] = [.vnpay]
    let settings: VNPaySettings
    let signer: VNPaySigner
    let api: ProviderAPI
    let clock: @Sendable () -> Date

    public init(
        settings: VNPaySettings, http: any ProviderHTTPClient, logger: Logger,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.settings = settings
        signer = VNPaySigner(hashSecret: settings.hashSecret.reveal)
        api = ProviderAPI(provider: .vnpay, http: http, timeoutSeconds: settings.timeoutSeconds, logger: logger)
        self.clock = clock
    }

    /// `WiFi ABC234 AA-BB-CC-DD-EE-FF`: only characters every encoder agrees on.
    static func orderInfo(_ transaction: Transaction) -> String {
        "WiFi \(transaction.orderCode) " + transaction.mac.description.replacingOccurrences(of: ":", with: "-")
    }

    public func createPayment(for transaction: Transaction, plan: Plan, context: PaymentContext)
        async throws(ProviderError) -> PaymentRequest
    {
        let orderID = ProviderOrderID(transaction).description
        var parameters = [
            "vnp_Version": "2.1.0", "vnp_Command": "pay", "vnp_TmnCode": settings.tmnCode,
            "vnp_Amount": String(transaction.amount.dong * 100), "vnp_BankCode": settings.bankCode,
            // The transaction's creation time, so that querydr can name the same date later.
            "vnp_CreateDate": VNPayTime.text(transaction.createdAt),
            "vnp_ExpireDate": VNPayTime.text(transaction.expiresAt), "vnp_CurrCode": "VND",
            "vnp_IpAddr": context.clientIP?.description ?? "127.0.0.1",
            "vnp_Locale": context.language == .en ? "en" : "vn", "vnp_OrderInfo": Self.orderInfo(transaction),
            "vnp_OrderType": "other", "vnp_ReturnUrl": context.returnURL, "vnp_TxnRef": orderID,
        ]
        parameters["vnp_SecureHash"] = signer.hash(parameters)
        let url =
            settings.payURL + "?" + VNPaySigner.signedQuery(parameters) + "&vnp_SecureHash="
            + parameters["vnp_SecureHash"]!
        return PaymentRequest(
            qrPayload: url, payURL: url, deeplink: nil, providerOrderID: orderID, expiresAt: transaction.expiresAt)
    }

    public func verifyCallback(_ callback: ProviderCallback, orders: any OrderBook) async throws(CallbackRejection)
        -> CallbackOutcome
    {
        let parameters: [String: String]
        do { parameters = try FormURLEncoding.decodeQuery(callback.query) } catch {
            throw .malformed(error.description)
        }
        // Checksum first, as VNPay orders the checks: nothing unsigned is looked up.
        guard parameters["vnp_SecureHash"] != nil else { throw .badSignature("vnp_SecureHash is missing") }
        guard signer.verify(parameters) else { throw .badSignature("vnp_SecureHash does not match") }
        func field(_ name: String) throws(CallbackRejection) -> String {
            guard let value = parameters[name], !value.isEmpty else { throw .malformed("\(name) is missing") }
            return value
        }
        let terminal = try field("vnp_TmnCode")
        guard terminal == settings.tmnCode else { throw .orderMismatch("vnp_TmnCode '\(terminal)' is not ours") }
        let orderID = try field("vnp_TxnRef")
        let amountText = try field("vnp_Amount")
        let responseCode = try field("vnp_ResponseCode")
        let transactionStatus = try field("vnp_TransactionStatus")
        let transaction = try await orders.order(providerOrderID: orderID)
        guard transaction.provider == id else { throw .orderMismatch("order \(orderID) is not a VNPay order") }
        guard let hundredths = Int64(amountText), hundredths >= 0, hundredths % 100 == 0 else {
            throw .malformed("vnp_Amount '\(amountText)' is not a whole number of đồng ×100")
        }
        let amount = Money(dong: hundredths / 100)
        guard amount == transaction.amount else {
            throw .amountMismatch(orderCode: transaction.orderCode, expected: transaction.amount, received: amount)
        }
        let status: CallbackOutcome.Status =
            if responseCode == "00" && transactionStatus == "00" {
                .paid
            } else if transactionStatus == "01" {
                .pending(code: transactionStatus)
            } else {
                .failed(code: responseCode, message: "vnp_TransactionStatus \(transactionStatus)")
            }
        let reference = parameters["vnp_TransactionNo"] ?? ""
        if status == .paid && (reference.isEmpty || reference == "0") {
            throw .malformed("a success without vnp_TransactionNo")
        }
        return CallbackOutcome(
            transaction: transaction, status: status, providerReference: reference, amount: amount,
            providerOrderID: orderID)
    }

    /// HTTP 200 with `{"RspCode": …, "Message": …}` in every case (docs/PROVIDERS.md §2).
    public func reply(to result: CallbackResult, endpoint: CallbackEndpoint) -> CallbackReply {
        let (code, message) =
            switch result {
            case .recorded: ("00", "Confirm Success")
            case .alreadyRecorded: ("02", "Order already confirmed")
            case .rejected(.unknownOrder): ("01", "Order not found")
            case .rejected(.amountMismatch): ("04", "Invalid amount")
            case .rejected(.badSignature): ("97", "Invalid signature")
            case .rejected, .failed: ("99", "Unknown error")
            }
        return .json(200, #"{"RspCode":"\#(code)","Message":"\#(message)"}"#)
    }

    static let queryResponseFields = [
        "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef", "vnp_Amount",
        "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType", "vnp_TransactionStatus",
        "vnp_OrderInfo", "vnp_PromotionCode", "vnp_PromotionAmount",
    ]
    /// From VNPay's merchant API documentation (docs/PROVIDERS.md §2).
    static let refundResponseFields = [
        "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef", "vnp_Amount",
        "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType", "vnp_TransactionStatus",
        "vnp_OrderInfo",
    ]

    public func queryStatus(of transaction: Transaction) async throws(ProviderError) -> PaymentStatusReport {
        let orderID = ProviderOrderID(transaction).description
        let now = clock()
        let fields: [(String, String)] = [
            ("vnp_RequestId", Self.requestID(now)), ("vnp_Version", "2.1.0"), ("vnp_Command", "querydr"),
            ("vnp_TmnCode", settings.tmnCode), ("vnp_TxnRef", orderID),
            ("vnp_TransactionDate", VNPayTime.text(transaction.createdAt)), ("vnp_CreateDate", VNPayTime.text(now)),
            ("vnp_IpAddr", "127.0.0.1"), ("vnp_OrderInfo", "Query \(transaction.orderCode)"),
        ]
        let answer = try await call(fields, operation: "querydr", responseFields: Self.queryResponseFields)
        let code = answer["vnp_ResponseCode"]?.signatureText ?? ""
        switch code {
        case "00": break
        case "91": return .notFound
        default: throw api.refused("querydr", code: code, message: answer["vnp_Message"]?.signatureText ?? "")
        }
        let status = answer["vnp_TransactionStatus"]?.signatureText ?? ""
        switch status {
        case "00":
            guard answer["vnp_TxnRef"]?.signatureText == orderID,
                let hundredths = answer["vnp_Amount"]?.integerValue,
                let reference = answer["vnp_TransactionNo"]?.signatureText, !reference.isEmpty
            else { throw api.badResponse("querydr", "a success without vnp_TxnRef, vnp_Amount or vnp_TransactionNo") }
            return .paid(providerReference: reference, amount: Money(dong: hundredths / 100))
        case "01": return .pending(code: status)
        default: return .failed(code: status, message: answer["vnp_Message"]?.signatureText ?? "")
        }
    }

    public func refund(_ request: RefundRequest) async throws(ProviderError) -> RefundReceipt {
        try checkRefund(request)
        let transaction = request.transaction
        let now = clock()
        let fields: [(String, String)] = [
            ("vnp_RequestId", Self.requestID(now)), ("vnp_Version", "2.1.0"), ("vnp_Command", "refund"),
            ("vnp_TmnCode", settings.tmnCode), ("vnp_TransactionType", request.isPartial ? "03" : "02"),
            ("vnp_TxnRef", ProviderOrderID(transaction).description), ("vnp_Amount", String(request.amount.dong * 100)),
            ("vnp_TransactionNo", transaction.providerReference ?? ""),
            ("vnp_TransactionDate", VNPayTime.text(transaction.createdAt)),
            ("vnp_CreateBy", VietQRPayload.ascii(request.requestedBy)), ("vnp_CreateDate", VNPayTime.text(now)),
            ("vnp_IpAddr", "127.0.0.1"), ("vnp_OrderInfo", VietQRPayload.ascii(request.reason)),
        ]
        let answer = try await call(fields, operation: "refund", responseFields: Self.refundResponseFields)
        let code = answer["vnp_ResponseCode"]?.signatureText ?? ""
        guard code == "00" else {
            throw api.refused("refund", code: code, message: answer["vnp_Message"]?.signatureText ?? "")
        }
        let reference = answer["vnp_TransactionNo"]?.signatureText ?? request.refundID
        return RefundReceipt(providerReference: reference, amount: request.amount)
    }

    /// Sends a merchant-API request signed over its values in order and checks the answer's
    /// signature over `responseFields`.
    private func call(_ fields: [(String, String)], operation: String, responseFields: [String])
        async throws(ProviderError) -> JSONValue
    {
        var body = Dictionary(uniqueKeysWithValues: fields.map { ($0.0, JSONValue.string($0.1)) })
        body["vnp_SecureHash"] = .string(signer.pipeHash(fields.map(\.1)))
        let answer = try await api.json(
            "POST", settings.apiURL, operation: operation, body: .object(body), idempotent: operation == "querydr")
        guard let received = answer["vnp_SecureHash"]?.stringValue else {
            // VNPay answers a request it could not read (97, 99) without a signature.
            let code = answer["vnp_ResponseCode"]?.signatureText ?? "?"
            throw api.refused(operation, code: code, message: answer["vnp_Message"]?.signatureText ?? "unsigned answer")
        }
        let expected = signer.pipeHash(responseFields.map { answer[$0]?.signatureText ?? "" })
        guard Signature.matches(received, expected: expected) else {
            throw api.badResponse(operation, "vnp_SecureHash of the answer does not match")
        }
        return answer
    }

    /// At most 32 characters, unique per request.
    static func requestID(_ now: Date) -> String {
        "\(Int64(now.timeIntervalSince1970 * 1000))\(UInt32.random(in: 100_000...999_999))"
    }
}
