import Console
import Hummingbird
import NIOCore

/// The request context of every portal route: Hummingbird's basics plus the peer's address, which
/// the per-address rate limit and the captive-portal API need.
public struct PortalRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The operator behind an admin request, set by ``AdminAuthMiddleware``.
    public var identity: OperatorAccounts.Identity?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The peer's IP address as text, or "unknown" (in-process tests have no socket).
    public var peerAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
