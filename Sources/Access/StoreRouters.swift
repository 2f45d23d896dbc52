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

    private let store: any AccessLookup
    private let refreshSeconds: TimeInterval
    private let snapshot = Mutex(Snapshot())

    public init(store: any AccessLookup, refreshSeconds: TimeInterval = 10) {
        self.store = store
        self.refreshSeconds = refreshSeconds
    }

    public func client(address: String) throws -> RadiusClient? {
        guard let router = try router(address: address) else { return nil }
        return RadiusClient(
            routerID: router.id, secret: router.secret.reveal,
            requireMessageAuthenticator: router.requireMessageAuthenticator)
    }

    public func router(address: String) throws -> Router? {
        let canonical = (try? IPAddress(address))?.description ?? address
        let (found, age) = snapshot.withLock { ($0.byAddress[canonical], Date().timeIntervalSince($0.loadedAt)) }
        if let found, age < refreshSeconds { return found }
        if found == nil && age < 1 { return nil }
        try reload()
        return snapshot.withLock { $0.byAddress[canonical] }
    }

    public func router(id: String) throws -> Router? {
        let (found, age) = snapshot.withLock { ($0.byID[id], Date().timeIntervalSince($0.loadedAt)) }
        if let found, age < refreshSeconds { return found }
        if found == nil && age < 1 { return nil }
        try reload()
        return snapshot.withLock { $0.byID[id] }
    }

    private func reload() throws {
        let routers = try store.routersForAccess()
        snapshot.withLock { snapshot in
            snapshot.byAddress = Dictionary(
                routers.map { ($0.address.description, $0) }, uniquingKeysWith: { a, _ in a })
            snapshot.byID = Dictionary(routers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            snapshot.loadedAt = Date()
        }
    }
}
