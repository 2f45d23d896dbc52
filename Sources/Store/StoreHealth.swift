/// A cheap round trip to the database, for `/healthz`.
public protocol StoreHealth: Sendable {
    func ping() async throws(StoreError)
}
