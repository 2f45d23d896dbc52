import Foundation
import HotspotPayCore
import Radius
import Store
import Synchronization

/// The routers the RADIUS server talks to, kept in memory (secrets opened once) and re-read
/// from the store at most every `refreshSeconds`, or at most once a second on an unknown
/// address, so a router added in the console is heard within seconds without the hot path
/// touching the database.
public final class StoreRouters: RadiusClientDirectory, Sendable {
    private struct Snapshot {
        var byAddress: [String: Router] = [:]
        var byID: [String: Router] = [:]
        var loadedAt = Date.distantPast
    }

    private let store: any RouterStore
    private let refreshSeconds: TimeInterval
    private let snapshot = Mutex(Snapshot())

    public init(store: any RouterStore, refreshSeconds: TimeInterval = 10) {
        self.store = store
        self.refreshSeconds = refreshSeconds
    }

    public func client(address: String) async throws -> RadiusClient? {
        guard let router = try await router(address: address) else { return nil }
        return RadiusClient(
            routerID: router.id, secret: router.secret.reveal,
            requireMessageAuthenticator: router.requireMessageAuthenticator)
    }

    public func router(address: String) async throws -> Router? {
        let canonical = (try? IPAddress(address))?.description ?? address
        let (found, age) = snapshot.withLock { ($0.byAddress[canonical], Date().timeIntervalSince($0.loadedAt)) }
        if let found, age < refreshSeconds { return found }
        if found == nil && age < 1 { return nil }
        try await reload()
        return snapshot.withLock { $0.byAddress[canonical] }
    }

    public func router(id: String) async throws -> Router? {
        if let found = snapshot.withLock({ $0.byID[id] }) { return found }
        try await reload()
        return snapshot.withLock { $0.byID[id] }
    }

    private func reload() async throws {
        let routers = try await store.routers()
        snapshot.withLock { snapshot in
            snapshot.byAddress = Dictionary(
                routers.map { ($0.address.description, $0) }, uniquingKeysWith: { a, _ in a })
            snapshot.byID = Dictionary(routers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            snapshot.loadedAt = Date()
        }
    }
}
