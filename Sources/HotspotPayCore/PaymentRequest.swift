import struct Foundation.Date

/// What the portal shows a guest to pay: a QR payload, a link to open, and until when.
public struct PaymentRequest: Sendable, Hashable {
    /// Text to render as a QR code (VietQR payload, MoMo qrCodeUrl, the sandbox wallet link).
    public var qrPayload: String?
    /// Where the pay button goes (VNPay pay URL, MoMo payUrl, payOS checkout, the sandbox wallet).
    public var payURL: String?
    /// Opens the wallet app directly on the same phone (MoMo deeplink).
    public var deeplink: String?
    /// What the provider knows the order by (MoMo orderId, vnp_TxnRef, payOS orderCode).
    public var providerOrderID: String
    public var expiresAt: Date

    public init(qrPayload: String?, payURL: String?, deeplink: String?, providerOrderID: String, expiresAt: Date) {
        self.qrPayload = qrPayload
        self.payURL = payURL
        self.deeplink = deeplink
        self.providerOrderID = providerOrderID
        self.expiresAt = expiresAt
    }
}
