import Foundation
import HotspotPayCore
import RouterOSAPI
import Store

/// The routers allowed to use the daemon, as operators change them.
public struct RouterRegistry: Sendable {
    let store: any RouterStore
    let doctor: RouterDoctor
    let expectations: RouterDoctor.Expectations

    /// `expectations`: what the router doctor compares routers against (the daemon's ports and portal).
    public init(
        store: any RouterStore, doctor: RouterDoctor = RouterDoctor(),
        expectations: RouterDoctor.Expectations = .init()
    ) {
        self.store = store
        self.doctor = doctor
        self.expectations = expectations
    }

    /// Reads the live router over its REST API and lists every difference from what the daemon
    /// expects, each with its fix (``RouterDoctor``).
    public func examine(id: String) async throws(ConsoleError) -> RouterDoctor.Report {
        let router = try await router(id: id)
        guard router.api != nil else {
            throw .conflict(
                "router \(id) has no REST API settings: give it the API URL, user, password and certificate "
                    + "fingerprint first")
        }
        return await doctor.examine(router, expecting: expectations)
    }

    public func routers() async throws(ConsoleError) -> [Router] {
        try await ConsoleError.wrap { try await store.routers() }
    }

    public func router(id: String) async throws(ConsoleError) -> Router {
        guard let router = try await ConsoleError.wrap({ try await store.router(id: id) }) else {
            throw .notFound(entity: "router", id: id)
        }
        return router
    }

    /// Adds a router; address and secret are required, name and NAS-Identifier default to the id.
    public func add(id rawID: String, _ changes: RouterChanges, actor: String) async throws(ConsoleError) -> Router {
        let id = rawID.trimmingCharacters(in: .whitespacesAndNewlines)
        var missing: [ValidationProblem] = []
        if (changes.address ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            missing.append(.init(field: "address", message: "required: the router's IP address as we see it"))
        }
        if (changes.secret ?? "").isEmpty {
            missing.append(.init(field: "secret", message: "required: the RADIUS shared secret (16+ characters)"))
        }
        guard missing.isEmpty else { throw .invalid(missing) }
        var router = Router(
            id: id, name: id, nasIdentifier: id, address: try Self.placeholderAddress(), secret: Secret(""))
        try changes.apply(to: &router)
        let added = router
        try await ConsoleError.wrap { try await store.addRouter(added, actor: actor) }
        return router
    }

    public func update(id: String, _ changes: RouterChanges, actor: String) async throws(ConsoleError) -> Router {
        var router = try await router(id: id)
        try changes.apply(to: &router)
        let updated = router
        try await ConsoleError.wrap { try await store.updateRouter(updated, actor: actor) }
        return router
    }

    public func remove(id: String, actor: String) async throws(ConsoleError) {
        try await ConsoleError.wrap { try await store.removeRouter(id: id, actor: actor) }
    }

    private static func placeholderAddress() throws(ConsoleError) -> IPAddress {
        do { return try IPAddress("0.0.0.0") } catch { throw .unavailable("\(error)") }
    }
}
