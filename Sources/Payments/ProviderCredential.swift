import HotspotPayCore

/// One credential a provider needs, wherever it is kept: the config file (`key` under the
/// provider's section), the environment (`HOTSPOTPAY_` + `variable`, which wins), or the database
/// (entered in the console, sealed; used when neither of the others has it).
public struct ProviderCredential: Sendable, Hashable, Identifiable {
    public let provider: ProviderID
    /// The key in the provider's config section.
    public let key: String
    /// The environment variable without its `HOTSPOTPAY_` prefix; also the database's name for it.
    public let variable: String
    /// A key that signs or authenticates (never shown back) rather than an account id.
    public let isSecret: Bool
    /// Shortest accepted value.
    public let minimumLength: Int

    public var id: String { variable }
    public var environmentVariable: String { "HOTSPOTPAY_" + variable }

    /// Shortest signing key or webhook key accepted. Every provider issues longer ones (MoMo and
    /// VNPay 32 characters, payOS 64); anything shorter is a typo or a value typed in to get going.
    public static let minimumSecretLength = 16

    init(_ provider: ProviderID, _ key: String, _ variable: String, secret: Bool = true, minimum: Int? = nil) {
        self.provider = provider
        self.key = key
        self.variable = variable
        isSecret = secret
        minimumLength = minimum ?? (secret ? Self.minimumSecretLength : 1)
    }

    public static let momoPartnerCode = ProviderCredential(.momo, "partner_code", "MOMO_PARTNER_CODE", secret: false)
    public static let momoAccessKey = ProviderCredential(.momo, "access_key", "MOMO_ACCESS_KEY", minimum: 8)
    public static let momoSecretKey = ProviderCredential(.momo, "secret_key", "MOMO_SECRET_KEY")
    public static let vnpayTMNCode = ProviderCredential(.vnpay, "tmn_code", "VNPAY_TMN_CODE", secret: false)
    public static let vnpayHashSecret = ProviderCredential(.vnpay, "hash_secret", "VNPAY_HASH_SECRET")
    public static let payOSClientID = ProviderCredential(.vietqr, "payos_client_id", "PAYOS_CLIENT_ID", secret: false)
    public static let payOSAPIKey = ProviderCredential(.vietqr, "payos_api_key", "PAYOS_API_KEY")
    public static let payOSChecksumKey = ProviderCredential(.vietqr, "payos_checksum_key", "PAYOS_CHECKSUM_KEY")
    public static let sepayAPIKey = ProviderCredential(.vietqr, "sepay_api_key", "SEPAY_API_KEY")
    public static let cassoChecksumKey = ProviderCredential(.vietqr, "casso_checksum_key", "CASSO_CHECKSUM_KEY")

    /// Every credential, in the console's order.
    public static let all: [ProviderCredential] = [
        .momoPartnerCode, .momoAccessKey, .momoSecretKey, .vnpayTMNCode, .vnpayHashSecret, .payOSClientID,
        .payOSAPIKey, .payOSChecksumKey, .sepayAPIKey, .cassoChecksumKey,
    ]

    /// The sandbox's signing secret: from the file or the environment only (the console does not
    /// manage the demo provider).
    public static let sandboxSecret = ProviderCredential(.sandbox, "secret", "SANDBOX_SECRET")

    public static func named(_ variable: String) -> ProviderCredential? {
        (all + [sandboxSecret]).first { $0.variable == variable }
    }

    /// Why `text` cannot be this credential, nil when it can. A blank or placeholder key would
    /// let anyone sign a callback.
    public func problem(_ text: String) -> String? {
        let trimmed = text.trimmingSpacesAndNewlines
        if trimmed.isEmpty {
            return isSecret ? "is blank: anyone could sign a callback with an empty key" : "is blank"
        }
        if trimmed != text { return "has spaces or line breaks around it" }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("change-me") || lower.hasPrefix("changeme")
            || ["...", "xxx", "secret", "todo"].contains(lower)
        {
            return "is the example file's placeholder '\(trimmed)': paste the key from the provider's merchant portal"
        }
        if self == .vnpayTMNCode,
            !(trimmed.count == 8 && trimmed.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }))
        {
            return "'\(trimmed)' is not a VNPay terminal code (8 letters or digits)"
        }
        if trimmed.count > 200 { return "has more than 200 characters" }
        if trimmed.count < minimumLength {
            return "has \(trimmed.count) characters; a provider key has at least \(minimumLength)"
        }
        return nil
    }
}

/// Where a provider credential in use came from.
public enum CredentialSource: String, Sendable, Hashable, Codable {
    case environment, file, database
}

extension String {
    fileprivate var trimmingSpacesAndNewlines: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace || first.isNewline { text.removeFirst() }
        while let last = text.last, last.isWhitespace || last.isNewline { text.removeLast() }
        return String(text)
    }
}
