import AsyncHTTPClient
import Foundation
import HotspotPayCore
import NIOCore
import NIOHTTP1

/// ``WebhookSender`` over AsyncHTTPClient, redirects never followed (a redirect could lead to an
/// address the guard refused). Every request connects to the address the guard checked, never to
/// a second resolution of the name (DNS rebinding could turn that into an internal address): plain
/// HTTP with the URL's host in `Host`; HTTPS through a client whose DNS override pins the name to
/// that address, the certificate still checked against the name (SNI too).
public struct HTTPWebhookSender: WebhookSender {
    let client: HTTPClient

    public init(client: HTTPClient = Self.sharedClient) { self.client = client }

    /// The process's client for webhooks (no redirects, 5 s to connect), like `HTTPClient.shared`
    /// alive as long as the process, so nothing has to shut it down.
    public static let sharedClient: HTTPClient = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: configuration())

    static func configuration(pinning host: String? = nil, to address: IPAddress? = nil) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5))
        if let host, let address { configuration.dnsOverride = [host: address.description] }
        return configuration
    }

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
        // HTTPS: a client of its own for this request, its DNS pinned to the checked address.
        var pinned: HTTPClient?
        if let components = URLComponents(string: request.url), components.scheme?.lowercased() == "https",
            let host = components.host, let address = request.address, (try? IPAddress(host)) == nil
        {
            pinned = HTTPClient(
                eventLoopGroupProvider: .singleton, configuration: Self.configuration(pinning: host, to: address))
        }
        defer { if let pinned { Task { try? await pinned.shutdown() } } }
        let client = pinned ?? self.client
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
