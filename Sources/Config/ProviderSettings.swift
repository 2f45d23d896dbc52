import HotspotPayCore

/// The built-in offline provider: a wallet page served by the daemon itself.
public struct SandboxSettings: Sendable, Hashable {
    /// Signs the sandbox wallet's callbacks; random per start when not configured.
    public var secret: Secret?
    public init(secret: Secret? = nil) { self.secret = secret }
}

/// MoMo All-In-One v2 credentials (payments.md §1).
public struct MoMoSettings: Sendable, Hashable {
    public var partnerCode: String
    public var accessKey: Secret
    public var secretKey: Secret
    public var endpoint: String
    /// `captureWallet` (QR/app) or `payWithMethod` (the guest picks on MoMo's page).
    public var requestType: String
}

/// VNPay 2.1.0 merchant settings (payments.md §2).
public struct VNPaySettings: Sendable, Hashable {
    public var tmnCode: String
    public var hashSecret: Secret
    public var payURL: String
    public var apiURL: String
}

/// The bank account guests transfer to with VietQR, and how the transfer is confirmed.
public struct VietQRSettings: Sendable, Hashable {
    public var bankBIN: String
    public var accountNumber: String
    public var accountName: String
    /// `payos`, `sepay` or `casso`.
    public var confirmVia: String
    public var payOSClientID: String?
    public var payOSAPIKey: Secret?
    public var payOSChecksumKey: Secret?
    public var sepayAPIKey: Secret?
    public var cassoChecksumKey: Secret?
}

/// Which providers are switched on, with their credentials.
public struct ProviderSettings: Sendable, Hashable {
    public var sandbox: SandboxSettings?
    public var momo: MoMoSettings?
    public var vnpay: VNPaySettings?
    public var vietqr: VietQRSettings?

    public init(
        sandbox: SandboxSettings? = nil, momo: MoMoSettings? = nil, vnpay: VNPaySettings? = nil,
        vietqr: VietQRSettings? = nil
    ) {
        self.sandbox = sandbox
        self.momo = momo
        self.vnpay = vnpay
        self.vietqr = vietqr
    }

    /// The providers a guest can choose, in the portal's order.
    public var enabled: [ProviderID] {
        var ids: [ProviderID] = []
        if momo != nil { ids.append(.momo) }
        if vnpay != nil { ids.append(.vnpay) }
        if vietqr != nil { ids.append(.vietqr) }
        if sandbox != nil { ids.append(.sandbox) }
        return ids
    }
}
