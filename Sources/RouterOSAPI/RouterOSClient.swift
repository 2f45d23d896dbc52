import Crypto
import Foundation
import HotspotPayCore
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A RouterOS v7 REST API client (`/rest/…`, HTTP Basic auth, JSON), over HTTPS with the router's
/// certificate pinned by SHA-256 fingerprint: RouterOS routers serve self-signed certificates, so
/// the pin — not a certificate authority or the host name — is what proves it is the venue's
/// router. The pin is checked in the TLS handshake, before the password is sent. Plain HTTP only
/// when the router's settings say so.
public struct RouterOSClient: Sendable {
    /// Seconds for connecting and for the whole exchange.
    public var timeoutSeconds: Double

    public init(timeoutSeconds: Double = 5) {
        self.timeoutSeconds = timeoutSeconds
    }

    /// `POST /rest/ip/hotspot/active/login`: the router logs the device in as if its browser had
    /// posted `user` and `password` to the login page, asking RADIUS first. The device's address is
    /// the one the hotspot knows it by (`/ip hotspot host`), which the portal may not have seen
    /// (a proxy, a changed lease); `fallbackIP` only when the router lists no such host. Returns
    /// the address used.
    @discardableResult
    public func login(
        router: Router, user: String, password: String, mac: MACAddress, fallbackIP: IPAddress?
    ) async throws(RouterAPIError) -> IPAddress {
        let hosts = try await entries(router: router, path: "ip/hotspot/host?mac-address=\(mac)")
        let known = hosts.lazy.compactMap { $0["address"].flatMap { try? IPAddress($0) } }.first
        guard let ip = known ?? fallbackIP else {
            throw .refused(status: 0, detail: "\(mac) is not on the hotspot now (no /ip hotspot host entry)")
        }
        let body: [String: String] = [
            "user": user, "password": password, "mac-address": mac.description, "ip": ip.description,
        ]
        _ = try await call(router: router, method: .POST, path: "/rest/ip/hotspot/active/login", json: body)
        return ip
    }

    /// Whether `/ip hotspot active` lists `mac` (filtered by the router; checked here again in case
    /// a router ignores the filter).
    public func isActive(router: Router, mac: MACAddress) async throws(RouterAPIError) -> Bool {
        let active = try await entries(router: router, path: "ip/hotspot/active?mac-address=\(mac)")
        return active.contains { entry in entry["mac-address"].flatMap { try? MACAddress($0) } == mac }
    }

    /// `GET /rest/<path>`: a RouterOS menu's entries (the router doctor reads its setup this way).
    public func entries(router: Router, path: String) async throws(RouterAPIError) -> [[String: String]] {
        let data = try await call(router: router, method: .GET, path: "/rest/" + path, json: nil)
        if let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] {
            return list.map { $0.compactMapValues { value in Self.text(value) } }
        }
        if let single = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            return [single.compactMapValues { value in Self.text(value) }]
        }
        throw .badResponse(status: 200, excerpt: Self.summary(data))
    }

    /// What an answer that is not RouterOS's was, without its content: the doctor must not become a
    /// way to read any host's pages (with the router's stored password sent along).
    static func summary(_ data: Data) -> String {
        "\(data.count) bytes that are not RouterOS's REST API JSON (content not shown)"
    }

    private static func text(_ value: Any) -> String? {
        switch value {
        case let string as String: string
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    func call(router: Router, method: HTTPMethod, path: String, json: [String: String]?)
        async throws(RouterAPIError) -> Data
    {
        guard let api = router.api else {
            throw .misconfigured(routerID: router.id, problems: ["no REST API settings"])
        }
        let problems = api.problems
        guard problems.isEmpty, let endpoint = api.endpoint else {
            throw .misconfigured(routerID: router.id, problems: problems.map { "\($0.field): \($0.message)" })
        }
        let presented = PresentedCertificate()
        let response: NIOHTTPClientResponseFull
        do {
            response = try await withThrowingTaskGroup(of: NIOHTTPClientResponseFull.self) { group in
                group.addTask {
                    try await exchange(
                        api: api, endpoint: endpoint, method: method, path: path, json: json, presented: presented)
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(Int(timeoutSeconds * 1000)))
                    throw RouterAPIError.unreachable(url: api.url, reason: "no answer in \(timeoutSeconds) s")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let error as RouterAPIError {
            throw error
        } catch {
            if let seen = presented.fingerprint.withLock({ $0 }), let pinned = api.certificateSHA256, seen != pinned {
                throw .certificateMismatch(url: api.url, pinned: pinned, presented: seen)
            }
            throw .unreachable(url: api.url, reason: "\(error)")
        }
        let status = Int(response.head.status.code)
        let data = response.body.map { Data($0.readableBytesView) } ?? Data()
        switch status {
        case 200..<300: return data
        case 401: throw .unauthorized(url: api.url)
        default:
            // RouterOS: {"error":400,"message":"Bad Request","detail":"failure: …"}
            if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], object["error"] is NSNumber
            {
                let detail = (object["detail"] as? String) ?? (object["message"] as? String)
                if let detail { throw .refused(status: status, detail: String(detail.prefix(200))) }
            }
            throw .badResponse(status: status, excerpt: Self.summary(data))
        }
    }

    private func exchange(
        api: RouterAPI, endpoint: (tls: Bool, host: String, port: Int), method: HTTPMethod, path: String,
        json: [String: String]?, presented: PresentedCertificate
    ) async throws -> NIOHTTPClientResponseFull {
        let pinned = api.pinnedDigest
        let sslContext: NIOSSLContext? =
            endpoint.tls
            ? try {
                var configuration = TLSConfiguration.makeClientConfiguration()
                // The custom callback below replaces BoringSSL's chain and host name checks.
                configuration.certificateVerification = .noHostnameVerification
                return try NIOSSLContext(configuration: configuration)
            }() : nil
        let isIP = (try? IPAddress(endpoint.host)) != nil
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(timeoutSeconds * 1000)))
            .connect(host: endpoint.host, port: endpoint.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let handler = try NIOSSLClientHandler(
                            context: sslContext, serverHostname: isIP ? nil : endpoint.host,
                            customVerificationCallback: { certificates, promise in
                                guard let leaf = certificates.first, let der = try? leaf.toDERBytes() else {
                                    return promise.succeed(.failed)
                                }
                                let digest = Array(SHA256.hash(data: der))
                                presented.fingerprint.withLock { $0 = ASCIIHex.lowercase(digest) }
                                promise.succeed(pinned.map { $0 == digest } == true ? .certificateVerified : .failed)
                            })
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(
                        NIOHTTPClientResponseAggregator(maxContentLength: 1 << 20))
                    return try NIOAsyncChannel<NIOHTTPClientResponseFull, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
            let credentials = Data("\(api.user):\(api.password.reveal)".utf8).base64EncodedString()
            head.headers.add(name: "Host", value: endpoint.host)
            head.headers.add(name: "Authorization", value: "Basic \(credentials)")
            head.headers.add(name: "Connection", value: "close")
            var body: ByteBuffer?
            if let json {
                let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
                body = ByteBuffer(bytes: data)
                head.headers.add(name: "Content-Type", value: "application/json")
            }
            head.headers.add(name: "Content-Length", value: String(body?.readableBytes ?? 0))
            // One write: a server may answer (and close, Connection: close) as soon as the head
            // of a bodiless request is in, before a separate end would be written.
            var parts: [HTTPClientRequestPart] = [.head(head)]
            if let body { parts.append(.body(.byteBuffer(body))) }
            parts.append(.end(nil))
            try await outbound.write(contentsOf: parts)
            for try await response in inbound { return response }
            throw RouterAPIError.unreachable(url: api.url, reason: "the connection closed without an answer")
        }
    }
}

/// The fingerprint of the certificate the router presented, kept for the mismatch error.
final class PresentedCertificate: Sendable {
    let fingerprint = Mutex<String?>(nil)
}
