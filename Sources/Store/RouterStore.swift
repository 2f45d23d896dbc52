import HotspotPayCore

/// The routers allowed to talk RADIUS to us, with their secrets sealed at rest.
public protocol RouterStore: Sendable {
    func routers() async throws -> [Router]
    func router(id: String) async throws -> Router?
    /// Whether a router with that id exists, without opening its secret (checkout's hot path).
    func routerExists(id: String) async throws -> Bool
    /// The router whose requests come from `address`.
    func router(address: IPAddress) async throws -> Router?
    func addRouter(_ router: Router, actor: String) async throws
    func addRouterIfMissing(_ router: Router, actor: String) async throws -> Bool
    func updateRouter(_ router: Router, actor: String) async throws
    /// Removes a router; its past transactions keep naming it.
    func removeRouter(id: String, actor: String) async throws
}
