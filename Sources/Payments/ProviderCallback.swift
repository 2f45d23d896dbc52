/// An incoming callback exactly as it arrived, before anything is believed.
public struct ProviderCallback: Sendable {
    /// The largest body read; a bigger one is refused unread (every provider's callbacks are under 4 KiB).
    public static let maximumBodySize = 65_536

    public var endpoint: CallbackEndpoint
    /// `GET` or `POST`.
    public var method: String
    /// The raw query string, without `?`.
    public var query: String
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: [UInt8]
    /// The per-transaction token from the callback URL's path, where the provider allows one.
    public var token: String?

    public init(
        endpoint: CallbackEndpoint, method: String, query: String = "", headers: [String: String] = [:],
        body: [UInt8] = [], token: String? = nil
    ) {
        self.endpoint = endpoint
        self.method = method
        self.query = query
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        self.body = body
        self.token = token
    }

    /// The body as a JSON document, or why not.
    func jsonBody() throws(CallbackRejection) -> JSONValue {
        guard body.count <= Self.maximumBodySize else { throw .tooLarge(bytes: body.count) }
        guard String(validating: body, as: UTF8.self) != nil else { throw .malformed("the body is not UTF-8") }
        guard let json = JSONValue.parse(body, limit: Self.maximumBodySize), case .object = json else {
            throw .malformed("the body is not a JSON object")
        }
        return json
    }
}
