import AsyncHTTPClient
import Foundation
import HotspotPayCore
import NIOCore
import NIOHTTP1

/// ``WebhookSender`` over AsyncHTTPClient, redirects never followed (a redirect could lead to an
/// address the guard refused). A plain-HTTP request goes to the checked address with the URL's
/// host in `Host`; HTTPS keeps the name (the certificate must match it, which an internal service
/// cannot forge).
public struct HTTPWebhookSender: WebhookSender {
    let client: HTTPClient

    public init(client: HTTPClient = Self.sharedClient) { self.client = client }

    /// The process's client for webhooks (no redirects, 5 s to connect), like `HTTPClient.shared`
    /// alive as long as the process, so nothing has to shut it down.
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public func post(_ request: WebhookRequest) async -> WebhookResponse {
        var target = request.url
        var headers = request.headers
        if var components = URLComponents(string: request.url), components.scheme?.lowercased() == "http",
            let host = components.host, let address = request.address
        {
            headers["Host"] = components.port.map { "\(host):\($0)" } ?? host
            components.host = address.isIPv6 ? "[\(address)]" : address.description
            target = components.string ?? request.url
        }
        var outgoing = HTTPClientRequest(url: target)
        outgoing.method = .POST
        for (name, value) in headers { outgoing.headers.replaceOrAdd(name: name, value: value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        do {
            let response = try await client.execute(
                outgoing, timeout: .milliseconds(Int64(request.timeoutSeconds * 1000)))
            let body = (try? await response.body.collect(upTo: 64 * 1024)) ?? ByteBuffer()
            return WebhookResponse(
                statusCode: Int(response.status.code), excerpt: String(decoding: body.readableBytesView, as: UTF8.self),
                error: nil)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return WebhookResponse(
                statusCode: nil, excerpt: "", error: "no answer within \(Int(request.timeoutSeconds)) s")
        } catch {
            return WebhookResponse(statusCode: nil, excerpt: "", error: "\(error)")
        }
    }
}
