import Foundation
import HotspotPayCore
import Radius
import Store

/// The RADIUS server's view of the routers: the daemon's ``RouterSnapshot`` (in memory, secrets
/// opened once, re-read within seconds of a change), looked up by source address on the hot path.
public struct StoreRouters: RadiusClientDirectory, Sendable {
    public let snapshot: RouterSnapshot

    public init(snapshot: RouterSnapshot) { self.snapshot = snapshot }

    /// A snapshot of its own over `store` (tests, tools).
    public init(store: any AccessLookup) { self.init(snapshot: RouterSnapshot(store)) }

    public func client(address: String) throws -> RadiusClient? {
        guard let router = try snapshot.router(address: address) else { return nil }
        return RadiusClient(
            routerID: router.id, secret: router.secret.reveal,
            requireMessageAuthenticator: router.requireMessageAuthenticator)
    }

    public func router(address: String) throws -> Router? { try snapshot.router(address: address) }

    public func router(id: String) throws -> Router? { try snapshot.router(id: id) }
}
