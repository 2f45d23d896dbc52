import Foundation
import HotspotPayCore

/// The offline provider for the demo and the tests. Its "wallet" is a page the daemon serves;
/// pressing Pay there produces a callback signed with the sandbox secret, which goes through
/// ``verifyCallback(_:orders:)`` and the same handling as a real provider's. The wire format is
/// MoMo-like: a JSON POST to `/callbacks/sandbox/<token>` with an HMAC-SHA256 over the sorted
/// fields.
public struct SandboxProvider: PaymentProvider {
    public let id = ProviderID.sandbox
    public let callbackEndpoints: [CallbackEndpoint] = [.sandbox]
    /// The signed fields of a sandbox callback, in the order they are signed.
    public static let signedKeys = ["amount", "orderId", "responseTime", "resultCode", "transId"]

    let secret: String
    /// `https://portal/sandbox/wallet`: the wallet page is this plus `/<transaction id>`.
    let walletBaseURL: String
    public let ledger: SandboxLedger
    /// `unsafe_fake_payments`: offered at every router, not only on a loopback-only install.
    public let unsafeFakePayments: Bool
    let clock: @Sendable () -> Date

    public init(
        secret: Secret, walletBaseURL: String, ledger: SandboxLedger = SandboxLedger(),
        unsafeFakePayments: Bool = false, clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.secret = secret.reveal
        self.walletBaseURL = walletBaseURL
        self.ledger = ledger
        self.unsafeFakePayments = unsafeFakePayments
        self.clock = clock
    }

    /// Whether a sale through the sandbox may be made at a router at `routerAddress` for a portal at
    /// `publicURL` (see ``SandboxSettings``).
    public func isOffered(publicURL: String, routerAddress: IPAddress) -> Bool {
        SandboxSettings(unsafeFakePayments: unsafeFakePayments).offered(
            publicURL: publicURL, routerAddress: routerAddress)
    }

    public func createPayment(for transaction: Transaction, plan: Plan, context: PaymentContext)
        async throws(ProviderError) -> PaymentRequest
    {
        let url = "\(walletBaseURL)/\(transaction.id)"
        return PaymentRequest(
            qrPayload: url, payURL: url, deeplink: nil, providerOrderID: ProviderOrderID(transaction).description,
            expiresAt: transaction.expiresAt)
    }

    /// What the wallet sends when the guest presses Pay (or Decline) on its page: recorded in
    /// the ledger, signed, addressed with the transaction's token.
    public func walletCallback(for transaction: Transaction, pay: Bool) async -> ProviderCallback {
        let orderID = ProviderOrderID(transaction).description
        var reference = ""
        if pay {
            reference = await ledger.record(orderID, paid: transaction.amount)
        } else {
            await ledger.recordDeclined(orderID)
        }
        let fields = [
            "amount": String(transaction.amount.dong), "orderId": orderID,
            "responseTime": String(Int64(clock().timeIntervalSince1970 * 1000)), "resultCode": pay ? "0" : "1006",
            "transId": reference,
        ]
        var body = fields.mapValues(JSONValue.string)
        body["amount"] = .integer(transaction.amount.dong)
        body["signature"] = .string(sign(fields))
        return ProviderCallback(
            endpoint: .sandbox, method: "POST", headers: ["content-type": "application/json"],
            body: Array(JSONValue.object(body).sortedJSON.utf8), token: transaction.callbackToken.hex)
    }

    func sign(_ fields: [String: String]) -> String {
        Signature.hmacSHA256(key: secret, message: SignedFields(fields).canonical)
    }

    public func verifyCallback(_ callback: ProviderCallback, orders: any OrderBook) async throws(CallbackRejection)
        -> CallbackOutcome
    {
        let body = try callback.jsonBody()
        var fields: [String: String] = [:]
        for key in Self.signedKeys {
            guard let value = body[key] else { throw .malformed("\(key) is missing") }
            switch value {
            case .string(let text): fields[key] = text
            case .integer(let number): fields[key] = String(number)
            default: throw .malformed("\(key) is not a string or an integer")
            }
        }
        guard let signature = body["signature"]?.stringValue else { throw .badSignature("signature is missing") }
        guard Signature.matches(signature, expected: sign(fields)) else {
            throw .badSignature("the signature does not match")
        }
        let orderID = fields["orderId"]!
        let transaction = try await orders.order(providerOrderID: orderID)
        guard transaction.provider == id else { throw .orderMismatch("order \(orderID) is not a sandbox order") }
        guard let token = callback.token, Signature.matches(token, expected: transaction.callbackToken.hex) else {
            throw .badSignature("the callback URL's token does not belong to order \(orderID)")
        }
        guard let dong = Int64(fields["amount"]!) else { throw .malformed("amount is not a whole number") }
        guard Money(dong: dong) == transaction.amount else {
            throw .amountMismatch(
                orderCode: transaction.orderCode, expected: transaction.amount, received: Money(dong: dong))
        }
        let code = fields["resultCode"]!
        if code == "0" && fields["transId"]!.isEmpty { throw .malformed("a success without transId") }
        return CallbackOutcome(
            transaction: transaction,
            status: code == "0" ? .paid : .failed(code: code, message: "declined in the sandbox wallet"),
            providerReference: fields["transId"]!, amount: Money(dong: dong), providerOrderID: orderID)
    }

    /// Answers like MoMo: 204 when handled.
    public func reply(to result: CallbackResult, endpoint: CallbackEndpoint) -> CallbackReply {
        .noContentReply(to: result)
    }

    public func queryStatus(of transaction: Transaction) async throws(ProviderError) -> PaymentStatusReport {
        switch await ledger.entry(ProviderOrderID(transaction).description) {
        case nil: .notFound
        case .paid(let reference, let amount): .paid(providerReference: reference, amount: amount)
        case .declined: .failed(code: "1006", message: "declined in the sandbox wallet")
        case .refunded: .failed(code: "refunded", message: "refunded in the sandbox")
        }
    }

    public func refund(_ request: RefundRequest) async throws(ProviderError) -> RefundReceipt {
        try checkRefund(request)
        guard
            let reference = await ledger.recordRefund(
                ProviderOrderID(request.transaction).description, amount: request.amount, refundID: request.refundID)
        else {
            throw .refused(
                provider: id, operation: "refund", code: "notPaid",
                message: "the sandbox wallet has no payment for \(request.transaction.orderCode)")
        }
        return RefundReceipt(providerReference: reference, amount: request.amount)
    }

    public func refundStatus(_ request: RefundRequest) async throws(ProviderError) -> RefundStatusReport {
        guard let reference = await ledger.refund(id: request.refundID) else { return .notFound }
        return .succeeded(providerReference: reference)
    }
}
