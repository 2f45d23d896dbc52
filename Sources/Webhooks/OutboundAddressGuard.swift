import Foundation
import HotspotPayCore

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps operator-configured outbound calls (webhooks) off the venue's own network: a URL whose
/// host is, or resolves to, a loopback, private, link-local or otherwise non-public address is
/// refused unless the operator allowed it (`webhooks.allow_private_addresses`, e.g. a PMS on the
/// hotel's LAN). Without this, anyone with the console could make the daemon call the router's
/// REST API or a cloud metadata address.
public struct OutboundAddressGuard: Sendable {
    public var allowPrivateAddresses: Bool
    /// Resolves a host name to addresses; `getaddrinfo` unless a test gives another.
    let resolve: @Sendable (String) async throws(OutboundRefusal) -> [IPAddress]

    public init(
        allowPrivateAddresses: Bool,
        resolve: (@Sendable (String) async throws(OutboundRefusal) -> [IPAddress])? = nil
    ) {
        self.allowPrivateAddresses = allowPrivateAddresses
        self.resolve = resolve ?? Self.systemResolve
    }

    /// The addresses `url` would reach, every one of them public (or private ones allowed).
    public func check(_ url: String) async throws(OutboundRefusal) -> [IPAddress] {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw .badURL(url)
        }
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let addresses: [IPAddress]
        if let literal = try? IPAddress(bare) {
            addresses = [literal]
        } else {
            addresses = try await resolve(bare)
        }
        guard !addresses.isEmpty else { throw .unresolved(host: bare, reason: "no address") }
        if !allowPrivateAddresses {
            for address in addresses {
                if let scope = address.nonPublicScope { throw .nonPublic(host: bare, address: address, scope: scope) }
            }
        }
        return addresses
    }

    static let systemResolve: @Sendable (String) async throws(OutboundRefusal) -> [IPAddress] = { host in
        let result: Result<[IPAddress], OutboundRefusal> = await withCheckedContinuation { continuation in
            // getaddrinfo blocks: off the cooperative pool.
            Thread.detachNewThread {
                var hints = addrinfo()
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var list: UnsafeMutablePointer<addrinfo>?
                let status = getaddrinfo(host, nil, &hints, &list)
                guard status == 0, let first = list else {
                    let reason = String(cString: gai_strerror(status))
                    continuation.resume(returning: .failure(.unresolved(host: host, reason: reason)))
                    return
                }
                defer { freeaddrinfo(first) }
                var addresses: [IPAddress] = []
                var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                var entry: UnsafeMutablePointer<addrinfo>? = first
                while let current = entry {
                    if let socket = current.pointee.ai_addr {
                        if current.pointee.ai_family == AF_INET {
                            var address = socket.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                                $0.pointee.sin_addr
                            }
                            inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count))
                        } else if current.pointee.ai_family == AF_INET6 {
                            var address = socket.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                                $0.pointee.sin6_addr
                            }
                            inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
                        }
                        let text = String(
                            decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                        if let parsed = try? IPAddress(text), !addresses.contains(parsed) { addresses.append(parsed) }
                    }
                    entry = current.pointee.ai_next
                }
                continuation.resume(returning: .success(addresses))
            }
        }
        return try result.get()
    }
}

/// Why an outbound call was not made.
public enum OutboundRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    case badURL(String)
    case unresolved(host: String, reason: String)
    case nonPublic(host: String, address: IPAddress, scope: String)

    public var description: String {
        switch self {
        case .badURL(let url): "'\(url)' is not an http(s) URL with a host"
        case .unresolved(let host, let reason): "cannot resolve \(host): \(reason)"
        case .nonPublic(let host, let address, let scope):
            host == address.description
                ? "\(address) is a \(scope) address: refused (set webhooks.allow_private_addresses: true to allow the venue's own network)"
                : "\(host) resolves to \(address), a \(scope) address: refused (set webhooks.allow_private_addresses: true to allow the venue's own network)"
        }
    }
}
