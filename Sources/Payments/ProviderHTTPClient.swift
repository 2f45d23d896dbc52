/// One HTTP exchange with a provider's API.
public struct ProviderHTTPRequest: Sendable, Hashable {
    public var method: String
    public var url: String
    public var headers: [String: String]
    public var body: [UInt8]?
    public var timeoutSeconds: Int64
    /// Safe to send again after a broken connection (queries). Creates and refunds are not:
    /// the provider may have acted on the first one.
    public var idempotent: Bool

    public init(
        method: String, url: String, headers: [String: String] = [:], body: [UInt8]? = nil, timeoutSeconds: Int64,
        idempotent: Bool
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutSeconds = timeoutSeconds
        self.idempotent = idempotent
    }
}

public struct ProviderHTTPResponse: Sendable, Hashable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// Why an exchange gave no response at all.
public enum ProviderHTTPFailure: Error, Sendable, Hashable {
    case timeout
    case transport(String)
}

/// The seam between the providers and the network: ``AsyncHTTPProviderClient`` in the daemon
/// and the tests (against local servers that speak the providers' formats).
public protocol ProviderHTTPClient: Sendable {
    func send(_ request: ProviderHTTPRequest) async throws(ProviderHTTPFailure) -> ProviderHTTPResponse
}
