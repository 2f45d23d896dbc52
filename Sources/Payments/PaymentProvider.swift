import HotspotPayCore

import struct Foundation.Date

/// What the portal shows a guest to pay: a QR payload, a link to open, and until when.
public struct PaymentRequest: Sendable, Hashable {
    /// Text to render as a QR code (VietQR payload, MoMo qrCodeUrl), if the provider gives one.
    public var qrPayload: String?
    /// Where the pay button goes (VNPay pay URL, MoMo payUrl, the sandbox wallet page).
    public var payURL: String?
    /// Opens the wallet app directly on the same phone (MoMo deeplink).
    public var deeplink: String?
    public var expiresAt: Date

    public init(qrPayload: String?, payURL: String?, deeplink: String?, expiresAt: Date) {
        self.qrPayload = qrPayload
        self.payURL = payURL
        self.deeplink = deeplink
        self.expiresAt = expiresAt
    }
}

/// One payment provider's whole wire format: asking for a payment and judging its callbacks.
/// MoMo, VNPay, VietQR and the sandbox each implement it; the checkout never sees their formats.
public protocol PaymentProvider: Sendable {
    var id: ProviderID { get }
    /// Asks the provider for a payment request for a pending transaction.
    func createPayment(for transaction: Transaction, plan: Plan) async throws -> PaymentRequest
}
