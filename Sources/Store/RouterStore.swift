import HotspotPayCore

/// The routers allowed to talk RADIUS to us, with their secrets sealed at rest. Every failure is a
/// ``StoreError``.
public protocol RouterStore: Sendable {
    func routers() async throws(StoreError) -> [Router]
    func router(id: String) async throws(StoreError) -> Router?
    /// Whether a router with that id exists, without opening its secret (checkout's hot path).
    func routerExists(id: String) async throws(StoreError) -> Bool
    /// The router whose requests come from `address`.
    func router(address: IPAddress) async throws(StoreError) -> Router?
    func addRouter(_ router: Router, actor: String) async throws(StoreError)
    func addRouterIfMissing(_ router: Router, actor: String) async throws(StoreError) -> Bool
    func updateRouter(_ router: Router, actor: String) async throws(StoreError)
    /// Removes a router; its past transactions keep naming it.
    func removeRouter(id: String, actor: String) async throws(StoreError)
}
