import Foundation
import HotspotPayCore
import Logging

/// VietQR bank transfers (docs/PROVIDERS.md §3–5). The QR is either our own EMVCo payload with the
/// order code as purpose (confirmed by SePay or Casso watching the account), or payOS's payment
/// link (confirmed by payOS's signed webhook).
public struct VietQRProvider: PaymentProvider {
    public let id = ProviderID.vietqr
    let settings: VietQRSettings
    let payOS: PayOSClient?
    let api: ProviderAPI

    public init(settings: VietQRSettings, http: any ProviderHTTPClient, logger: Logger) {
        self.settings = settings
        api = ProviderAPI(provider: .vietqr, http: http, timeoutSeconds: settings.timeoutSeconds, logger: logger)
        if settings.confirmVia == .payos, let clientID = settings.payOSClientID, let apiKey = settings.payOSAPIKey,
            let checksumKey = settings.payOSChecksumKey
        {
            payOS = PayOSClient(
                clientID: clientID, apiKey: apiKey.reveal, checksumKey: checksumKey.reveal,
                endpoint: settings.payOSEndpoint, api: api)
        } else {
            payOS = nil
        }
    }

    public var callbackEndpoints: [CallbackEndpoint] {
        switch settings.confirmVia {
        case .payos: [.payos]
        case .sepay: [.sepay]
        case .casso: [.casso]
        }
    }

    /// Our own dynamic VietQR for `transaction`: amount and order code as the purpose.
    public func payload(for transaction: Transaction) throws(VietQRPayload.BuildError) -> String {
        try VietQRPayload(
            bankBIN: settings.bankBIN, accountNumber: settings.accountNumber, amount: transaction.amount.dong,
            purpose: transaction.orderCode.description
        ).encoded()
    }

    public func createPayment(for transaction: Transaction, plan: Plan, context: PaymentContext)
        async throws(ProviderError) -> PaymentRequest
    {
        if let payOS {
            let orderCode = ProviderOrderID.payOSNumber(for: transaction)
            let data = try await payOS.create(
                orderCode: orderCode, amount: transaction.amount, description: transaction.orderCode.description,
                returnURL: context.returnURL, expiresAt: Int64(transaction.expiresAt.timeIntervalSince1970))
            guard let qr = data["qrCode"]?.stringValue else { throw api.badResponse("create", "no qrCode") }
            return PaymentRequest(
                qrPayload: qr, payURL: data["checkoutUrl"]?.stringValue, deeplink: nil,
                providerOrderID: String(orderCode), expiresAt: transaction.expiresAt)
        }
        let qr: String
        do { qr = try payload(for: transaction) } catch {
            throw .invalidRequest(provider: id, operation: "create", message: error.description)
        }
        return PaymentRequest(
            qrPayload: qr, payURL: nil, deeplink: nil, providerOrderID: transaction.orderCode.description,
            expiresAt: transaction.expiresAt)
    }

    public func verifyCallback(_ callback: ProviderCallback, orders: any OrderBook) async throws(CallbackRejection)
        -> CallbackOutcome
    {
        guard callbackEndpoints.contains(callback.endpoint) else { throw .notConfigured(callback.endpoint) }
        switch callback.endpoint {
        case .payos: return try await verifyPayOS(callback, orders: orders)
        case .sepay: return try await verifySePay(callback).matchOrder(in: orders, account: settings.accountNumber)
        case .casso: return try await verifyCasso(callback).matchOrder(in: orders, account: settings.accountNumber)
        default: throw .notConfigured(callback.endpoint)
        }
    }

    /// payOS webhook: `{code, desc, success, data, signature}`, the signature over `data`.
    func verifyPayOS(_ callback: ProviderCallback, orders: any OrderBook) async throws(CallbackRejection)
        -> CallbackOutcome
    {
        guard let checksumKey = settings.payOSChecksumKey?.reveal else { throw .notConfigured(.payos) }
        let body = try callback.jsonBody()
        guard let data = body["data"], case .object = data else { throw .malformed("data is missing") }
        guard let signature = body["signature"]?.stringValue else { throw .badSignature("signature is missing") }
        guard let expected = WebhookSignatures.payOS(data: data, checksumKey: checksumKey),
            Signature.matches(signature, expected: expected)
        else { throw .badSignature("the data's signature does not match") }
        guard let number = data["orderCode"]?.integerValue, let amount = data["amount"]?.integerValue else {
            throw .malformed("data.orderCode or data.amount is missing")
        }
        // payOS's own test delivery (when the webhook URL is confirmed) names an order we never made.
        guard let orderID = ProviderOrderID(payOSNumber: number) else { throw .unknownOrder(String(number)) }
        let transaction = try await orders.order(orderID.orderCode, reported: String(number))
        guard orderID.matches(transaction), transaction.provider == id else { throw .unknownOrder(String(number)) }
        guard Money(dong: amount) == transaction.amount else {
            throw .amountMismatch(
                orderCode: transaction.orderCode, expected: transaction.amount, received: Money(dong: amount))
        }
        let code = data["code"]?.signatureText ?? ""
        let reference = data["reference"]?.signatureText ?? data["paymentLinkId"]?.signatureText ?? ""
        guard !reference.isEmpty else { throw .malformed("data.reference is missing") }
        return CallbackOutcome(
            transaction: transaction,
            status: code == "00" ? .paid : .failed(code: code, message: data["desc"]?.signatureText ?? ""),
            providerReference: "payos-\(reference)", amount: Money(dong: amount), providerOrderID: String(number))
    }

    /// SePay: `Authorization: Apikey <key>`, a JSON transfer; only incoming transfers count.
    func verifySePay(_ callback: ProviderCallback) throws(CallbackRejection) -> BankTransfer {
        guard let key = settings.sepayAPIKey?.reveal else { throw .notConfigured(.sepay) }
        guard WebhookSignatures.sepayAuthorized(header: callback.headers["authorization"], apiKey: key) else {
            throw .badSignature("the Authorization API key does not match")
        }
        let body = try callback.jsonBody()
        guard let id = body["id"]?.integerValue, let amount = body["transferAmount"]?.integerValue,
            let type = body["transferType"]?.stringValue
        else { throw .malformed("id, transferAmount or transferType is missing") }
        guard type == "in" else { throw .ignored("an outgoing transfer") }
        let text = ["code", "content", "description"].compactMap { body[$0]?.stringValue }.joined(separator: " ")
        return BankTransfer(
            reference: "sepay-\(id)", amount: Money(dong: amount), text: text,
            accountNumber: body["subAccount"]?.stringValue ?? body["accountNumber"]?.stringValue)
    }

    /// Casso v2: `X-Casso-Signature: t=…,v1=…` over the whole body; money in is positive.
    func verifyCasso(_ callback: ProviderCallback) throws(CallbackRejection) -> BankTransfer {
        guard let key = settings.cassoChecksumKey?.reveal else { throw .notConfigured(.casso) }
        guard let header = callback.headers["x-casso-signature"].flatMap(WebhookSignatures.cassoHeader) else {
            throw .badSignature("X-Casso-Signature is missing or not t=…,v1=…")
        }
        let body = try callback.jsonBody()
        let expected = WebhookSignatures.casso(body: body, timestamp: header.timestamp, checksumKey: key)
        guard Signature.matches(header.signature, expected: expected) else {
            throw .badSignature("X-Casso-Signature does not match")
        }
        guard let data = body["data"], case .object = data, let id = data["id"]?.integerValue,
            let amount = data["amount"]?.integerValue
        else { throw .malformed("data.id or data.amount is missing") }
        guard amount > 0 else { throw .ignored("an outgoing transfer") }
        return BankTransfer(
            reference: "casso-\(id)", amount: Money(dong: amount), text: data["description"]?.stringValue ?? "",
            accountNumber: data["accountNumber"]?.stringValue)
    }

    public func reply(to result: CallbackResult, endpoint: CallbackEndpoint) -> CallbackReply {
        .webhookReply(to: result)
    }

    public func queryStatus(of transaction: Transaction) async throws(ProviderError) -> PaymentStatusReport {
        guard let payOS else { throw .unsupported(provider: id, operation: "status query (\(settings.confirmVia))") }
        guard let data = try await payOS.status(orderCode: ProviderOrderID.payOSNumber(for: transaction)) else {
            return .notFound
        }
        let status = data["status"]?.signatureText ?? ""
        switch status {
        case "PAID":
            let reference =
                data["transactions"].flatMap { transactions -> String? in
                    guard case .array(let items) = transactions else { return nil }
                    return items.first?["reference"]?.signatureText
                } ?? data["id"]?.signatureText ?? ""
            let amount = data["amountPaid"]?.integerValue ?? data["amount"]?.integerValue ?? 0
            return .paid(providerReference: "payos-\(reference)", amount: Money(dong: amount))
        case "PENDING", "PROCESSING", "UNDERPAID": return .pending(code: status)
        default: return .failed(code: status, message: "payOS status \(status)")
        }
    }

    /// Bank transfers are given back by the operator's bank, not through an API.
    public func refund(_ request: RefundRequest) async throws(ProviderError) -> RefundReceipt {
        throw .unsupported(provider: id, operation: "refund")
    }
}
