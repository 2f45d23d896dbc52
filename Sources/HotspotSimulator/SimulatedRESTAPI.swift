import Crypto
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import SwiftASN1
import X509

/// The router's REST API (RouterOS v7 `www-ssl` service, `/rest/…`) as MikroTik documents it:
/// HTTP Basic auth, JSON, menus read with GET, commands run with POST. It serves the calls the
/// daemon and its router doctor make; `POST /rest/ip/hotspot/active/login` logs a host in by
/// asking RADIUS with the given password, as the CLI command does. HTTPS with a self-signed
/// certificate made at start (a factory router's is self-signed too), or plain HTTP.
struct SimulatedRESTAPI: Sendable {
    let port: Int
    /// SHA-256 of the certificate's DER, lower-case hex, nil for plain HTTP.
    let certificateSHA256: String?
    let task: Task<Void, any Error>

    static func start(for hotspot: SimulatedHotspot, user: String, password: String, tls: Bool) async throws
        -> SimulatedRESTAPI
    {
        let router = Router()
        let expected = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        router.add(
            middleware: Authorization(expected: expected))
        router.post("/rest/ip/hotspot/active/login") { [weak hotspot] request, _ -> Response in
            let body = try await request.body.collect(upTo: 65_536)
            guard let hotspot,
                let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: String],
                let user = object["user"], let password = object["password"]
            else {
                return Self.error(400, "Bad Request", detail: "missing user or password")
            }
            if let failure = await hotspot.apiLogin(
                user: user, password: password, mac: object["mac-address"], ip: object["ip"])
            {
                return Self.error(400, "Bad Request", detail: failure)
            }
            return Self.json([[String: String]]())
        }
        for menu in SimulatedHotspot.restMenus {
            router.get("/rest/\(menu)") { [weak hotspot] request, _ -> Response in
                guard let hotspot, let entries = hotspot.restMenu(menu) else {
                    return Self.error(503, "Service Unavailable", detail: "router stopping")
                }
                // `?property=value` keeps only the entries that have it, as RouterOS's REST API does.
                let filters = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
                guard !filters.isEmpty, let list = entries as? [[String: String]] else { return Self.json(entries) }
                return Self.json(list.filter { entry in filters.allSatisfy { entry[$0.0] == $0.1 } })
            }
        }

        var certificateSHA256: String?
        let server: HTTPServerBuilder
        if tls {
            let (configuration, fingerprint) = try selfSignedTLS()
            server = try .tls(.http1(), tlsConfiguration: configuration)
            certificateSHA256 = fingerprint
        } else {
            server = .http1()
        }
        let (port, task) = try await LoopbackServer.start(router, server: server, name: "simulated RouterOS")
        return SimulatedRESTAPI(port: port, certificateSHA256: certificateSHA256, task: task)
    }

    struct Authorization<Context: RequestContext>: RouterMiddleware {
        let expected: String

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
            async throws -> Response
        {
            guard request.headers[.authorization] == expected else {
                return SimulatedRESTAPI.error(401, "Unauthorized", detail: nil)
            }
            return try await next(request, context)
        }
    }

    static func json(_ value: Any) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("[]".utf8)
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// RouterOS's error body: `{"error":400,"message":"Bad Request","detail":"…"}`.
    static func error(_ status: Int, _ message: String, detail: String?) -> Response {
        var object: [String: Any] = ["error": status, "message": message]
        if let detail { object["detail"] = detail }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// A P-256 key and a self-signed certificate for 127.0.0.1, like the one a factory router makes
    /// for `www-ssl`; returns the server configuration and the certificate's SHA-256.
    static func selfSignedTLS() throws -> (TLSConfiguration, String) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("simulated-router") }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400 * 365),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                SubjectAlternativeNames([.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
            },
            issuerPrivateKey: .init(key))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let der = serializer.serializedBytes
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: der, format: .der))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(key.pemRepresentation.utf8), format: .pem)))
        let fingerprint = SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined()
        return (configuration, fingerprint)
    }
}
