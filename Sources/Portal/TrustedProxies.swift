import Hummingbird

/// The reverse proxies (Caddy, nginx) whose `X-Forwarded-For` the portal believes. From anyone
/// else the header is ignored: a guest could write any address into it to dodge the per-address
/// checkout limit or to ask the captive-portal API about someone else's device.
public struct TrustedProxies: Sendable, Hashable {
    public var addresses: Set<String>

    public init(_ addresses: [String] = []) { self.addresses = Set(addresses) }

    /// The client's address: the peer's, or — when the peer is a trusted proxy — the nearest
    /// address in `X-Forwarded-For` that is not itself a trusted proxy.
    public func clientAddress(peer: String, forwardedFor: String?) -> String {
        guard addresses.contains(peer), let forwardedFor else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where !hop.isEmpty && !addresses.contains(hop) { return hop }
        return peer
    }

    func clientAddress(_ request: Request, _ context: PortalRequestContext) -> String {
        clientAddress(peer: context.peerAddress, forwardedFor: request.headers[.init("X-Forwarded-For")!])
    }
}
