import HotspotPayCore

/// MoMo All-In-One v2 credentials (docs/PROVIDERS.md §1).
public struct MoMoSettings: Sendable, Hashable {
    public var partnerCode: String
    public var accessKey: Secret
    public var secretKey: Secret
    /// `https://test-payment.momo.vn` (sandbox) or `https://payment.momo.vn`.
    public var endpoint: String
    public var requestType: RequestType
    /// MoMo asks clients to wait at least 30 s for create, query and refund.
    public var timeoutSeconds: Int64

    public init(
        partnerCode: String, accessKey: Secret, secretKey: Secret, endpoint: String = "https://test-payment.momo.vn",
        requestType: RequestType = .captureWallet, timeoutSeconds: Int64 = 30
    ) {
        self.partnerCode = partnerCode
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.endpoint = endpoint
        self.requestType = requestType
        self.timeoutSeconds = timeoutSeconds
    }

    /// How MoMo's page takes the money.
    public enum RequestType: String, Sendable, Hashable, CaseIterable {
        /// The MoMo wallet: QR or app.
        case captureWallet
        /// The guest picks a method (wallet, card, ATM) on MoMo's page.
        case payWithMethod
    }
}
