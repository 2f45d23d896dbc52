import Foundation
import HotspotPayCore
import Logging

/// MoMo All-In-One v2 (`captureWallet` / `payWithMethod`), docs/PROVIDERS.md §1.
///
/// Each payment's IPN URL carries the transaction's callback token in its path
/// (`/callbacks/momo/<token>`), so a genuine signature alone is not enough to confirm an order.
public struct MoMoProvider: PaymentProvider {
    public let id = ProviderID.momo
    public let callbackEndpoints: [CallbackEndpoint] = [.momo]
    let settings: MoMoSettings
    let signer: MoMoSigner
    let api: ProviderAPI
    let clock: @Sendable () -> Date

    public init(
        settings: MoMoSettings, http: any ProviderHTTPClient, logger: Logger,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.settings = settings
        signer = MoMoSigner(accessKey: settings.accessKey.reveal, secretKey: settings.secretKey.reveal)
        api = ProviderAPI(provider: .momo, http: http, timeoutSeconds: settings.timeoutSeconds, logger: logger)
        self.clock = clock
    }

    /// captureWallet accepts 1,000 ₫ to 50,000,000 ₫.
    static let amountRange: ClosedRange<Int64> = 1_000...50_000_000

    public func createPayment(for transaction: Transaction, plan: Plan, context: PaymentContext)
        async throws(ProviderError) -> PaymentRequest
    {
        guard Self.amountRange.contains(transaction.amount.dong) else {
            throw .invalidRequest(
                provider: id, operation: "create",
                message: "MoMo takes 1,000 to 50,000,000 VND; plan \(plan.id) costs \(transaction.amount)")
        }
        let orderID = ProviderOrderID(transaction).description
        let fields: [String: String] = [
            "partnerCode": settings.partnerCode,
            "requestId": orderID,
            "amount": String(transaction.amount.dong),
            "orderId": orderID,
            "orderInfo": VietQRPayload.ascii("WiFi \(plan.name.vi) \(transaction.orderCode)"),
            "redirectUrl": context.returnURL,
            "ipnUrl": "\(context.callbackBaseURL)/momo/\(transaction.callbackToken.hex)",
            "requestType": settings.requestType.rawValue,
            "extraData": Self.extraData(transaction),
        ]
        var body = fields.mapValues(JSONValue.string)
        body["amount"] = .integer(transaction.amount.dong)
        body["lang"] = .string(context.language == .en ? "en" : "vi")
        body["autoCapture"] = .bool(true)
        body["signature"] = .string(signer.sign(fields))
        let answer = try await api.json(
            "POST", settings.endpoint + "/v2/gateway/api/create", operation: "create", body: .object(body),
            idempotent: false)
        guard let code = answer["resultCode"]?.integerValue else {
            throw api.badResponse("create", "no resultCode")
        }
        guard code == 0 else {
            throw api.refused("create", code: String(code), message: answer["message"]?.stringValue ?? "")
        }
        // The create response's signature layout is not documented consistently (docs/PROVIDERS.md):
        // it is not checked; the IPN or the query is what confirms a payment.
        let payURL = answer["payUrl"]?.stringValue
        guard payURL != nil || answer["qrCodeUrl"]?.stringValue != nil else {
            throw api.badResponse("create", "neither payUrl nor qrCodeUrl")
        }
        return PaymentRequest(
            qrPayload: answer["qrCodeUrl"]?.stringValue ?? payURL, payURL: payURL,
            deeplink: answer["deeplink"]?.stringValue, providerOrderID: orderID, expiresAt: transaction.expiresAt)
    }

    /// base64 of `{"mac":…,"plan":…,"router":…}`: MoMo hands it back in the IPN.
    static func extraData(_ transaction: Transaction) -> String {
        let json = JSONValue.object([
            "mac": .string(transaction.mac.description), "plan": .string(transaction.planID),
            "router": .string(transaction.routerID),
        ])
        return Data(json.sortedJSON.utf8).base64EncodedString()
    }

    public func verifyCallback(_ callback: ProviderCallback, orders: any OrderBook) async throws(CallbackRejection)
        -> CallbackOutcome
    {
        // The IPN is a JSON POST to the URL that carries the order's token. The browser's return
        // to redirectUrl carries the same signed fields in a GET query, but it goes to the pay
        // page, never here: a GET here is someone replaying a redirect they saw, without the token.
        guard callback.method == "POST" else {
            throw .malformed("MoMo's IPN is a JSON POST to its order's callback URL; \(callback.method) is refused")
        }
        let body = try callback.jsonBody()
        let fields: [String: String]
        do { fields = try signer.verifyIPN(body) } catch {
            switch error {
            case .badSignature: throw .badSignature(error.description)
            case .notJSON, .missingField: throw .malformed(error.description)
            }
        }
        guard fields["partnerCode"] == settings.partnerCode else {
            throw .orderMismatch("partnerCode '\(fields["partnerCode"] ?? "")' is not ours")
        }
        let orderID = fields["orderId"] ?? ""
        let transaction = try await orders.order(providerOrderID: orderID)
        guard transaction.provider == id else { throw .orderMismatch("order \(orderID) is not a MoMo order") }
        guard let token = callback.token, Signature.matches(token, expected: transaction.callbackToken.hex) else {
            throw .badSignature("the callback URL's token does not belong to order \(orderID)")
        }
        if let extra = fields["extraData"], !extra.isEmpty, let data = Data(base64Encoded: extra),
            let mac = JSONValue.parse(Array(data))?["mac"]?.stringValue, mac != transaction.mac.description
        {
            throw .orderMismatch("extraData names device \(mac), the order is for \(transaction.mac)")
        }
        let amount = Money(dong: Int64(fields["amount"] ?? "") ?? -1)
        guard amount == transaction.amount else {
            throw .amountMismatch(orderCode: transaction.orderCode, expected: transaction.amount, received: amount)
        }
        let code = Int64(fields["resultCode"] ?? "") ?? -1
        let status: CallbackOutcome.Status =
            switch MoMoResultCode.meaning(code) {
            case .paid: .paid
            case .pending, .requestError: .pending(code: String(code))
            case .failed, .orderNotFound: .failed(code: String(code), message: fields["message"] ?? "")
            }
        return CallbackOutcome(
            transaction: transaction, status: status, providerReference: fields["transId"] ?? "", amount: amount,
            providerOrderID: orderID)
    }

    /// MoMo wants 204 No Content within 15 s; anything else makes it send again.
    public func reply(to result: CallbackResult, endpoint: CallbackEndpoint) -> CallbackReply {
        .noContentReply(to: result)
    }

    public func queryStatus(of transaction: Transaction) async throws(ProviderError) -> PaymentStatusReport {
        let orderID = ProviderOrderID(transaction).description
        let fields = [
            "partnerCode": settings.partnerCode, "requestId": Self.requestID(clock()), "orderId": orderID,
        ]
        var body = fields.mapValues(JSONValue.string)
        body["lang"] = .string("vi")
        body["signature"] = .string(signer.sign(fields))
        let answer = try await api.json(
            "POST", settings.endpoint + "/v2/gateway/api/query", operation: "query", body: .object(body),
            idempotent: true)
        guard let code = answer["resultCode"]?.integerValue else { throw api.badResponse("query", "no resultCode") }
        let message = answer["message"]?.stringValue ?? ""
        switch MoMoResultCode.meaning(code) {
        case .paid:
            guard answer["orderId"]?.stringValue == orderID, let amount = answer["amount"]?.integerValue,
                let reference = answer["transId"]?.integerValue
            else {
                throw api.badResponse("query", "a success without orderId, amount or transId")
            }
            return .paid(providerReference: String(reference), amount: Money(dong: amount))
        case .pending: return .pending(code: String(code))
        case .orderNotFound: return .notFound
        case .failed: return .failed(code: String(code), message: message)
        case .requestError: throw api.refused("query", code: String(code), message: message)
        }
    }

    public func refund(_ request: RefundRequest) async throws(ProviderError) -> RefundReceipt {
        try checkRefund(request)
        guard let transID = request.transaction.providerReference.flatMap({ Int64($0) }) else {
            throw .invalidRequest(provider: id, operation: "refund", message: "the MoMo transId is not a number")
        }
        let fields: [String: String] = [
            "partnerCode": settings.partnerCode, "orderId": request.refundID, "requestId": request.refundID,
            "amount": String(request.amount.dong), "transId": String(transID),
            "description": VietQRPayload.ascii(request.reason),
        ]
        var body = fields.mapValues(JSONValue.string)
        body["amount"] = .integer(request.amount.dong)
        body["transId"] = .integer(transID)
        body["lang"] = .string("vi")
        body["signature"] = .string(signer.sign(fields))
        let answer = try await api.json(
            "POST", settings.endpoint + "/v2/gateway/api/refund", operation: "refund", body: .object(body),
            idempotent: false)
        guard let code = answer["resultCode"]?.integerValue else { throw api.badResponse("refund", "no resultCode") }
        let message = answer["message"]?.stringValue ?? ""
        switch code {
        case 0: break
        // Being processed, or a duplicate of a request MoMo already has: the money may move.
        case 1000, 7000, 7002, 40, 41:
            throw .inProgress(provider: id, operation: "refund", code: String(code), message: message)
        default: throw api.refused("refund", code: String(code), message: message)
        }
        let reference = answer["transId"]?.integerValue.map(String.init) ?? request.refundID
        return RefundReceipt(providerReference: reference, amount: request.amount)
    }

    /// `/v2/gateway/api/refund/query` with the refund's own orderId and requestId (both the
    /// refund id): MoMo lists the refund transactions it has for it in `refundTrans`.
    public func refundStatus(_ request: RefundRequest) async throws(ProviderError) -> RefundStatusReport {
        let fields: [String: String] = [
            "partnerCode": settings.partnerCode, "orderId": request.refundID, "requestId": request.refundID,
        ]
        var body = fields.mapValues(JSONValue.string)
        body["lang"] = .string("vi")
        body["signature"] = .string(signer.sign(fields))
        let answer = try await api.json(
            "POST", settings.endpoint + "/v2/gateway/api/refund/query", operation: "refund query",
            body: .object(body), idempotent: true)
        guard let code = answer["resultCode"]?.integerValue else {
            throw api.badResponse("refund query", "no resultCode")
        }
        if code == 42 { return .notFound }
        guard code == 0 else {
            throw api.refused("refund query", code: String(code), message: answer["message"]?.stringValue ?? "")
        }
        guard case .array(let refunds) = answer["refundTrans"] ?? .array([]) else {
            throw api.badResponse("refund query", "refundTrans is not a list")
        }
        let mine = refunds.filter { $0["orderId"]?.stringValue == request.refundID }
        guard let entry = mine.last, let entryCode = entry["resultCode"]?.integerValue else { return .notFound }
        switch entryCode {
        case 0:
            guard entry["amount"]?.integerValue == request.amount.dong else {
                throw api.badResponse("refund query", "the refund's amount is not the \(request.amount.dong) VND asked")
            }
            return .succeeded(providerReference: entry["transId"]?.integerValue.map(String.init) ?? request.refundID)
        case 1000, 7000, 7002: return .pending(code: String(entryCode))
        default: return .failed(code: String(entryCode), message: entry["message"]?.stringValue ?? "")
        }
    }

    /// Unique per request as MoMo requires: the time in ms plus randomness.
    static func requestID(_ now: Date) -> String {
        "Q\(Int64(now.timeIntervalSince1970 * 1000))\(UInt32.random(in: 100_000...999_999))"
    }
}
