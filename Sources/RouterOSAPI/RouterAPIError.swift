import HotspotPayCore

/// Why a call to a router's REST API did not succeed, in words an operator can act on.
public enum RouterAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The router's settings cannot be used (no URL, HTTP without the operator's word, no pin).
    case misconfigured(routerID: String, problems: [String])
    /// No TCP/TLS connection, or no answer in time.
    case unreachable(url: String, reason: String)
    /// The certificate the router presented is not the pinned one: a different router, a
    /// regenerated certificate, or someone in the middle. Nothing was sent.
    case certificateMismatch(url: String, pinned: String, presented: String)
    /// 401: the REST user or password is wrong, or the user's group lacks the `rest-api` policy.
    case unauthorized(url: String)
    /// The router answered with an error (RouterOS puts the reason in `detail`).
    case refused(status: Int, detail: String)
    /// An answer that is not the REST API's JSON.
    case badResponse(status: Int, excerpt: String)

    public var description: String {
        switch self {
        case .misconfigured(let routerID, let problems):
            "router \(routerID)'s REST API settings cannot be used: \(problems.joined(separator: "; "))"
        case .unreachable(let url, let reason):
            "cannot reach the router's REST API at \(url): \(reason) (is the www-ssl service enabled and reachable "
                + "from this host? /ip service print)"
        case .certificateMismatch(let url, let pinned, let presented):
            "\(url) presented a certificate with SHA-256 \(presented), not the pinned \(pinned): nothing was sent; "
                + "if the router's certificate was replaced, pin the new fingerprint"
        case .unauthorized(let url):
            "\(url) refused the REST user (401): check the user and password, and that its group has the rest-api "
                + "and write policies"
        case .refused(let status, let detail): "the router refused (HTTP \(status)): \(detail)"
        case .badResponse(let status, let excerpt): "unexpected answer from the router (HTTP \(status)): \(excerpt)"
        }
    }
}
