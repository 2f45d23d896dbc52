import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: RouterStore {
    public func routers() async throws(StoreError) -> [Router] {
        let cipher = self.cipher
        return try await read(entity: "router") { q in
            try await q.rows("SELECT * FROM routers ORDER BY id").map { try Self.router($0, cipher: cipher) }
        }
    }

    public func router(id: String) async throws(StoreError) -> Router? {
        let cipher = self.cipher
        return try await read(entity: "router") { q in
            try await q.row("SELECT * FROM routers WHERE id = \(id)").map { try Self.router($0, cipher: cipher) }
        }
    }

    public func routerExists(id: String) async throws(StoreError) -> Bool {
        try await read(entity: "router") { q in
            try await q.scalar("SELECT EXISTS (SELECT 1 FROM routers WHERE id = \(id))", as: Bool.self) ?? false
        }
    }

    public func router(address: IPAddress) async throws(StoreError) -> Router? {
        let cipher = self.cipher
        return try await read(entity: "router") { q in
            try await q.row("SELECT * FROM routers WHERE address = \(address.description)").map {
                try Self.router($0, cipher: cipher)
            }
        }
    }

    public func addRouter(_ router: Router, actor: String) async throws(StoreError) {
        guard try await insertIfMissing(router, actor: actor) else {
            throw StoreError.duplicate(entity: "router", field: "id", value: router.id)
        }
    }

    /// Inserts unless the id or the address is taken. Two nodes seeding the same router at once
    /// add it once (the second finds it); an address another router has is a duplicate.

    public func addRouterIfMissing(_ router: Router, actor: String) async throws(StoreError) -> Bool {
        try await insertIfMissing(router, actor: actor)
    }

    public func updateRouter(_ router: Router, actor: String) async throws(StoreError) {
        let (router, sealed) = try validatedAndSealed(router)
        let now = Date()
        try await write(entity: "router") { q in
            let changed = try await q.changed(
                """
                UPDATE routers SET name = \(router.name), nas_identifier = \(router.nasIdentifier),
                    address = \(router.address.description), secret_sealed = \(sealed.secret),
                    coa_port = \(router.coaPort), strategy = \(router.strategy.rawValue),
                    captive_attributes = \(router.captiveAttributes.storedJSON),
                    paid_attributes = \(router.paidAttributes.storedJSON),
                    require_message_authenticator = \(router.requireMessageAuthenticator),
                    hotspot_address = \(router.hotspotAddress), api_url = \(router.api?.url),
                    api_user = \(router.api?.user), api_password_sealed = \(sealed.apiPassword),
                    api_certificate_sha256 = \(router.api?.certificateSHA256),
                    api_plain_http = \(router.api?.plainHTTP ?? false), updated_at = \(now.epochMilliseconds)
                WHERE id = \(router.id) RETURNING id
                """)
            guard changed == 1 else { throw StoreError.notFound(entity: "router", id: router.id) }
            try await Self.audit(
                AuditEvent(at: now, kind: .routerChanged, actor: actor, detail: "updated router \(router.id)"), q)
        }
    }

    public func removeRouter(id: String, actor: String) async throws(StoreError) {
        try await write(entity: "router") { q in
            guard try await q.changed("DELETE FROM routers WHERE id = \(id) RETURNING id") == 1 else {
                throw StoreError.notFound(entity: "router", id: id)
            }
            try await Self.audit(
                AuditEvent(at: Date(), kind: .routerChanged, actor: actor, detail: "removed router \(id)"), q)
        }
    }

    private func insertIfMissing(_ router: Router, actor: String) async throws(StoreError) -> Bool {
        let (router, sealed) = try validatedAndSealed(router)
        let now = Date()
        return try await write(entity: "router") { q in
            let inserted = try await q.changed(
                """
                INSERT INTO routers (id, name, nas_identifier, address, secret_sealed, coa_port, strategy,
                    captive_attributes, paid_attributes, require_message_authenticator, hotspot_address, api_url,
                    api_user, api_password_sealed, api_certificate_sha256, api_plain_http, created_at, updated_at)
                VALUES (\(router.id), \(router.name), \(router.nasIdentifier), \(router.address.description),
                    \(sealed.secret), \(router.coaPort), \(router.strategy.rawValue),
                    \(router.captiveAttributes.storedJSON), \(router.paidAttributes.storedJSON),
                    \(router.requireMessageAuthenticator), \(router.hotspotAddress), \(router.api?.url),
                    \(router.api?.user), \(sealed.apiPassword), \(router.api?.certificateSHA256),
                    \(router.api?.plainHTTP ?? false), \(now.epochMilliseconds), \(now.epochMilliseconds))
                ON CONFLICT DO NOTHING RETURNING id
                """)
            guard inserted == 1 else {
                guard
                    try await q.scalar("SELECT EXISTS (SELECT 1 FROM routers WHERE id = \(router.id))", as: Bool.self)
                        == true
                else {
                    throw StoreError.duplicate(entity: "router", field: "address", value: router.address.description)
                }
                return false
            }
            try await Self.audit(
                AuditEvent(at: now, kind: .routerChanged, actor: actor, detail: "added router \(router.id)"), q)
            return true
        }
    }

    /// The router checked against the domain's rules and its secrets sealed (never stored in clear).
    private func validatedAndSealed(_ router: Router) throws(StoreError)
        -> (Router, (secret: String, apiPassword: String?))
    {
        do {
            let valid = try router.validated()
            let cipher = try requireCipher(entity: "router", id: router.id)
            return (
                valid,
                (
                    try cipher.seal(valid.secret.reveal, entity: "router", id: valid.id),
                    try valid.api.map { try cipher.seal($0.password.reveal, entity: "router", id: valid.id) }
                )
            )
        } catch {
            throw storeError(error, entity: "router")
        }
    }

    static func router(_ row: PostgresRandomAccessRow, cipher: SecretCipher?) throws -> Router {
        try StoredRows.router(PostgresColumns(row, entity: "router"), cipher: cipher)
    }
}
