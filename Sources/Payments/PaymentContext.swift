import HotspotPayCore

/// What a provider needs from the portal to ask for a payment: where the guest comes back to,
/// where callbacks go, and the guest's language and address.
public struct PaymentContext: Sendable, Hashable {
    /// The page the provider sends the browser back to (the transaction's status page).
    public var returnURL: String
    /// `https://portal.example.vn/callbacks`; a provider appends its endpoint (and a token where
    /// the provider lets each payment carry its own callback URL).
    public var callbackBaseURL: String
    public var language: Language
    /// The guest's address as VNPay wants it (`vnp_IpAddr`).
    public var clientIP: IPAddress?

    public init(returnURL: String, callbackBaseURL: String, language: Language, clientIP: IPAddress?) {
        self.returnURL = returnURL
        self.callbackBaseURL = callbackBaseURL
        self.language = language
        self.clientIP = clientIP
    }
}
