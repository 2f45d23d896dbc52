import HotspotPayCore

/// The bank account guests transfer to with VietQR, and how the transfer is confirmed.
public struct VietQRSettings: Sendable, Hashable {
    /// Which service tells us a transfer arrived (docs/PROVIDERS.md §4, §5).
    public enum Confirmation: String, Sendable, Hashable, CaseIterable {
        /// payOS creates the payment link (its own VietQR) and calls a signed webhook.
        case payos
        /// SePay watches the account and calls a webhook with an API key.
        case sepay
        /// Casso watches the account and calls a signed webhook.
        case casso
    }

    public var bankBIN: String
    public var accountNumber: String
    public var accountName: String
    public var confirmVia: Confirmation
    public var payOSClientID: String?
    public var payOSAPIKey: Secret?
    public var payOSChecksumKey: Secret?
    /// `https://api-merchant.payos.vn`.
    public var payOSEndpoint: String
    public var sepayAPIKey: Secret?
    public var cassoChecksumKey: Secret?
    public var timeoutSeconds: Int64

    public init(
        bankBIN: String, accountNumber: String, accountName: String = "", confirmVia: Confirmation,
        payOSClientID: String? = nil, payOSAPIKey: Secret? = nil, payOSChecksumKey: Secret? = nil,
        payOSEndpoint: String = "https://api-merchant.payos.vn", sepayAPIKey: Secret? = nil,
        cassoChecksumKey: Secret? = nil, timeoutSeconds: Int64 = 30
    ) {
        self.bankBIN = bankBIN
        self.accountNumber = accountNumber
        self.accountName = accountName
        self.confirmVia = confirmVia
        self.payOSClientID = payOSClientID
        self.payOSAPIKey = payOSAPIKey
        self.payOSChecksumKey = payOSChecksumKey
        self.payOSEndpoint = payOSEndpoint
        self.sepayAPIKey = sepayAPIKey
        self.cassoChecksumKey = cassoChecksumKey
        self.timeoutSeconds = timeoutSeconds
    }
}
