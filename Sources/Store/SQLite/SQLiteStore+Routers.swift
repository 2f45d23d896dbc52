import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: RouterStore {
    public func routers() async throws(StoreError) -> [Router] {
        try await read(entity: "router") { db in try self.allRouters(db) }
    }

    func allRouters(_ db: Database) throws -> [Router] {
        try Row.fetchAll(db, sql: "SELECT * FROM routers ORDER BY id").map(router)
    }

    public func router(id: String) async throws(StoreError) -> Router? {
        try await read(entity: "router") { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM routers WHERE id = ?"), arguments: [id]).map(
                self.router)
        }
    }

    public func routerExists(id: String) async throws(StoreError) -> Bool {
        try await read(entity: "router") { db in try Self.routerExists(db, id: id) }
    }

    public func router(address: IPAddress) async throws(StoreError) -> Router? {
        try await read(entity: "router") { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM routers WHERE address = ?"), arguments: [address.description]
            )
            .map(self.router)
        }
    }

    public func addRouter(_ router: Router, actor: String) async throws(StoreError) {
        let (router, sealed) = try validatedAndSealed(router)
        try await write(entity: "router") { db in
            if try Self.routerExists(db, id: router.id) {
                throw StoreError.duplicate(entity: "router", field: "id", value: router.id)
            }
            try Self.insert(router, sealed: sealed, db: db, actor: actor)
        }
    }

    public func addRouterIfMissing(_ router: Router, actor: String) async throws(StoreError) -> Bool {
        let (router, sealed) = try validatedAndSealed(router)
        return try await write(entity: "router") { db in
            if try Self.routerExists(db, id: router.id) { return false }
            try Self.insert(router, sealed: sealed, db: db, actor: actor)
            return true
        }
    }

    public func updateRouter(_ router: Router, actor: String) async throws(StoreError) {
        let (router, sealed) = try validatedAndSealed(router)
        try await write(entity: "router") { db in
            try db.cachedStatement(
                sql: """
                    UPDATE routers SET name = ?, nas_identifier = ?, address = ?, secret_sealed = ?, coa_port = ?,
                        strategy = ?, captive_attributes = ?, paid_attributes = ?, require_message_authenticator = ?,
                        hotspot_address = ?, api_url = ?, api_user = ?, api_password_sealed = ?,
                        api_certificate_sha256 = ?, api_plain_http = ?, updated_at = ?
                    WHERE id = ?
                    """
            ).execute(
                arguments: [
                    router.name, router.nasIdentifier, router.address.description, sealed.secret, router.coaPort,
                    router.strategy.rawValue, router.captiveAttributes.storedJSON, router.paidAttributes.storedJSON,
                    router.requireMessageAuthenticator, router.hotspotAddress, router.api?.url, router.api?.user,
                    sealed.apiPassword, router.api?.certificateSHA256, router.api?.plainHTTP ?? false,
                    Date().epochMilliseconds, router.id,
                ])
            guard db.changesCount == 1 else { throw StoreError.notFound(entity: "router", id: router.id) }
            try Self.audit(
                AuditEvent(at: Date(), kind: .routerChanged, actor: actor, detail: "updated router \(router.id)"),
                db: db)
        }
    }

    public func removeRouter(id: String, actor: String) async throws(StoreError) {
        try await write(entity: "router") { db in
            try db.cachedStatement(sql: "DELETE FROM routers WHERE id = ?").execute(arguments: [id])
            guard db.changesCount == 1 else { throw StoreError.notFound(entity: "router", id: id) }
            try Self.audit(
                AuditEvent(at: Date(), kind: .routerChanged, actor: actor, detail: "removed router \(id)"), db: db)
        }
    }

    private static func routerExists(_ db: Database, id: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM routers WHERE id = ?)"), arguments: [id]) ?? false
    }

    /// The router checked against the domain's rules and its secrets sealed, or why not.
    private func validatedAndSealed(_ router: Router) throws(StoreError)
        -> (Router, (secret: String, apiPassword: String?))
    {
        do {
            let valid = try router.validated()
            return (valid, try sealedSecrets(valid))
        } catch {
            throw Self.storeError(error, entity: "router")
        }
    }

    /// The RADIUS secret and the REST API password, sealed (never stored in clear).
    private func sealedSecrets(_ router: Router) throws -> (secret: String, apiPassword: String?) {
        let cipher = try requireCipher(entity: "router", id: router.id)
        return (
            try cipher.seal(router.secret.reveal, entity: "router", id: router.id),
            try router.api.map { try cipher.seal($0.password.reveal, entity: "router", id: router.id) }
        )
    }

    private static func insert(
        _ router: Router, sealed: (secret: String, apiPassword: String?), db: Database, actor: String
    ) throws {
        let now = Date().epochMilliseconds
        try db.cachedStatement(
            sql: """
                INSERT INTO routers (id, name, nas_identifier, address, secret_sealed, coa_port, strategy,
                    captive_attributes, paid_attributes, require_message_authenticator, hotspot_address, api_url,
                    api_user, api_password_sealed, api_certificate_sha256, api_plain_http, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                router.id, router.name, router.nasIdentifier, router.address.description, sealed.secret, router.coaPort,
                router.strategy.rawValue, router.captiveAttributes.storedJSON, router.paidAttributes.storedJSON,
                router.requireMessageAuthenticator, router.hotspotAddress, router.api?.url, router.api?.user,
                sealed.apiPassword, router.api?.certificateSHA256, router.api?.plainHTTP ?? false, now, now,
            ])
        try audit(
            AuditEvent(at: Date(), kind: .routerChanged, actor: actor, detail: "added router \(router.id)"), db: db)
    }

    func router(_ row: Row) throws -> Router { try StoredRows.router(RowReader(row, entity: "router"), cipher: cipher) }
}
