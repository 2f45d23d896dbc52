/// How the daemon reaches a router's RouterOS v7 REST API (`/rest/…`) to log a paid device in
/// itself when no browser did, and for the router doctor. The password is sealed in the store like
/// the RADIUS secret. Over HTTPS the router's certificate is pinned by its SHA-256 fingerprint
/// (RouterOS's certificates are self-signed, so no certificate authority can vouch for them); plain
/// HTTP only when the operator says the management network is private.
public struct RouterAPI: Hashable, Sendable {
    /// `https://10.5.50.1` or `http://192.168.88.1:8080`: scheme, host and optional port, nothing else.
    public var url: String
    public var user: String
    public var password: Secret
    /// The SHA-256 fingerprint of the router's certificate (`/certificate print detail` shows it),
    /// 64 hex digits; colons and case are ignored.
    public var certificateSHA256: String?
    /// The operator's word that plain HTTP is acceptable (a separate management network).
    public var plainHTTP: Bool

    public init(url: String, user: String, password: Secret, certificateSHA256: String? = nil, plainHTTP: Bool = false)
    {
        self.url = url
        self.user = user
        self.password = password
        self.certificateSHA256 = certificateSHA256.map(Self.normalizedFingerprint)
        self.plainHTTP = plainHTTP
    }

    /// The URL's parts, nil when it is not `http(s)://host[:port]`.
    public var endpoint: (tls: Bool, host: String, port: Int)? {
        let tls: Bool
        var rest: Substring
        if url.hasPrefix("https://") {
            tls = true
            rest = url.dropFirst(8)
        } else if url.hasPrefix("http://") {
            tls = false
            rest = url.dropFirst(7)
        } else {
            return nil
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains("@"), !rest.contains("?") else { return nil }
        var host = rest
        var port = tls ? 443 : 80
        if let colon = rest.lastIndex(of: ":") {
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else { return nil }
            host = rest[..<colon]
            port = number
        }
        guard !host.isEmpty,
            host.utf8.allSatisfy({ byte in
                (48...57).contains(byte) || (97...122).contains(byte | 0x20) || byte == 45 || byte == 46
            })
        else { return nil }
        return (tls, String(host), port)
    }

    /// The pinned fingerprint as bytes, nil when absent or malformed.
    public var pinnedDigest: [UInt8]? {
        certificateSHA256.flatMap { ASCIIHex.decode($0) }.flatMap { $0.count == 32 ? $0 : nil }
    }

    /// Everything wrong with these settings, each naming the field to fix.
    public var problems: [ValidationProblem] {
        var problems: [ValidationProblem] = []
        guard let endpoint else {
            return [
                ValidationProblem(
                    field: "api.url",
                    message: "'\(url.prefix(80))' is not https://HOST[:PORT] (or http:// with plain_http) of the router"
                )
            ]
        }
        if user.trimmingSpaces().isEmpty {
            problems.append(
                ValidationProblem(field: "api.user", message: "the RouterOS user for the REST API is required"))
        }
        if password.isEmpty {
            problems.append(ValidationProblem(field: "api.password", message: "the REST user's password is required"))
        }
        if endpoint.tls {
            if pinnedDigest == nil {
                problems.append(
                    ValidationProblem(
                        field: "api.certificate_sha256",
                        message: "pin the router's certificate: its SHA-256 fingerprint, 64 hex digits "
                            + "(/certificate print detail where name=<the www-ssl certificate>)"))
            }
        } else if !plainHTTP {
            problems.append(
                ValidationProblem(
                    field: "api.plain_http",
                    message: "\(url) is plain HTTP: the API password would cross the network in clear; use https:// "
                        + "with the certificate pinned, or set plain_http: true for a private management network"))
        }
        return problems
    }

    /// `AA:bb:…` or `aabb…` → lowercase hex without separators.
    public static func normalizedFingerprint(_ text: String) -> String {
        String(text.lowercased().filter { $0 != ":" && $0 != " " })
    }
}
