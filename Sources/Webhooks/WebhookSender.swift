import HotspotPayCore

/// Sends one signed POST to an endpoint. The daemon's is ``HTTPWebhookSender``; the seam lets the
/// dispatcher's tests count calls without a network.
public protocol WebhookSender: Sendable {
    /// Never throws: every failure is an answer the delivery log records.
    func post(_ request: WebhookRequest) async -> WebhookResponse
}

public struct WebhookRequest: Sendable, Hashable {
    public var url: String
    /// The address checked by ``OutboundAddressGuard``: a plain-HTTP request is sent to it (the
    /// name resolved once, so it cannot resolve elsewhere between the check and the call).
    public var address: IPAddress?
    public var headers: [String: String]
    public var body: [UInt8]
    public var timeoutSeconds: Double

    public init(url: String, address: IPAddress?, headers: [String: String], body: [UInt8], timeoutSeconds: Double) {
        self.url = url
        self.address = address
        self.headers = headers
        self.body = body
        self.timeoutSeconds = timeoutSeconds
    }
}

public struct WebhookResponse: Sendable, Hashable {
    /// Nil when the endpoint never answered.
    public var statusCode: Int?
    /// The start of the answer, at most ``excerptLength`` characters.
    public var excerpt: String
    /// Transport failure (timeout, refused connection), nil when the endpoint answered.
    public var error: String?

    public static let excerptLength = 500

    public init(statusCode: Int?, excerpt: String, error: String?) {
        self.statusCode = statusCode
        self.excerpt = String(excerpt.prefix(Self.excerptLength))
        self.error = error
    }
}
