import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// ``ProviderHTTPClient`` over AsyncHTTPClient. Idempotent requests are sent again (twice at
/// most, after 200 ms and 400 ms) when the connection fails; nothing is retried after a timeout
/// or once the provider answered, whatever it answered.
public struct AsyncHTTPProviderClient: ProviderHTTPClient {
    /// The largest response read from a provider.
    static let maximumResponseSize = 1 << 20
    let client: HTTPClient

    public init(client: HTTPClient = .shared) { self.client = client }

    public func send(_ request: ProviderHTTPRequest) async throws(ProviderHTTPFailure) -> ProviderHTTPResponse {
        var attempt = 0
        while true {
            do {
                return try await sendOnce(request)
            } catch let error as HTTPClientError
                where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
            {
                throw .timeout
            } catch {
                attempt += 1
                guard request.idempotent, attempt <= 2, !Task.isCancelled else {
                    throw .transport(String(describing: error))
                }
                try? await Task.sleep(for: .milliseconds(200 * attempt))
            }
        }
    }

    private func sendOnce(_ request: ProviderHTTPRequest) async throws -> ProviderHTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(outgoing, timeout: .seconds(request.timeoutSeconds))
        let body = try await response.body.collect(upTo: Self.maximumResponseSize)
        return ProviderHTTPResponse(status: Int(response.status.code), body: Array(body.readableBytesView))
    }
}
