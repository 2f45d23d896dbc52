import Foundation
import HotspotPayCore
import Logging
import PostgresNIO
import Store
import Synchronization

/// What a node needs to answer Access-Requests, held in memory so RADIUS never waits on the
/// network: the routers and every active grant with its login secrets. Loaded at start, kept
/// current by PostgreSQL's `LISTEN/NOTIFY` (triggers name the device whose grant changed,
/// ``PostgresSchema/accessNotify``) and read again in full every `resyncSeconds` and after the
/// listener reconnects, which bounds how stale a lost notification can leave it.
///
/// When PostgreSQL is unreachable the last state keeps answering: paid devices keep their paid
/// attributes (the Session-Timeout comes from the grant's end, so an ended grant is refused
/// however old the state), and nothing is written anywhere.
public final class PostgresAccessView: AccessLookup, Sendable {
    struct State {
        var routers: [Router] = []
        var grants: [MACAddress: Grant] = [:]
        var secrets: [String: [LoginSecret]] = [:]
        var loaded = false
        var lastFullSync = Date.distantPast
        var listening = false
        var notifications = 0
        var resyncs = 0
    }

    /// How the view is doing, for metrics and the doctor.
    public struct Health: Sendable, Hashable {
        public var lastFullSync: Date
        public var listening: Bool
        public var notifications: Int
        public var resyncs: Int
        public var activeGrants: Int
    }

    enum Change: Sendable {
        case device(MACAddress)
        case routers
        case everything
    }

    private let store: PostgresStore
    private let resyncSeconds: Double
    private let logger: Logger
    private let state = Mutex(State())
    private let changes: AsyncStream<Change>
    private let changed: AsyncStream<Change>.Continuation

    public init(store: PostgresStore, resyncSeconds: Double = 30, logger: Logger) {
        self.store = store
        self.resyncSeconds = resyncSeconds
        self.logger = logger
        (changes, changed) = AsyncStream.makeStream(of: Change.self, bufferingPolicy: .unbounded)
    }

    // MARK: - AccessLookup, from memory

    public func routersForAccess() throws(StoreError) -> [Router] {
        try requireLoaded { $0.routers }
    }

    public func activeGrantForAccess(mac: MACAddress) throws(StoreError) -> Grant? {
        try requireLoaded { $0.grants[mac] }
    }

    public func loginSecretsForAccess(grantID: String) throws(StoreError) -> [LoginSecret] {
        try requireLoaded { $0.secrets[grantID] ?? [] }
    }

    private func requireLoaded<T>(_ read: (State) -> T) throws(StoreError) -> T {
        let (loaded, value) = state.withLock { ($0.loaded, read($0)) }
        guard loaded else {
            throw StoreError.unavailable(path: store.url.description, reason: "the access view has not loaded yet")
        }
        return value
    }

    public var health: Health {
        state.withLock {
            Health(
                lastFullSync: $0.lastFullSync, listening: $0.listening, notifications: $0.notifications,
                resyncs: $0.resyncs, activeGrants: $0.grants.count)
        }
    }

    // MARK: - Keeping it current

    /// Loads everything once (the daemon does not answer RADIUS before this succeeds).
    public func load() async throws(StoreError) {
        try await apply(.everything)
    }

    /// Listens, applies each change in order, and resyncs on a timer, until cancelled. A lost
    /// connection is reopened after a second, followed by a full read (what changed meanwhile
    /// was not heard).
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.listen() }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(self.resyncSeconds))
                    self.changed.yield(.everything)
                }
            }
            group.addTask {
                for await change in self.changes {
                    if Task.isCancelled { return }
                    do { try await self.apply(change) } catch {
                        self.logger.warning(
                            "access view: could not read a change; answering from what it holds",
                            metadata: ["error": "\(error)"])
                    }
                }
            }
            await withTaskCancellationHandler {
                await group.next()
            } onCancel: {
                self.changed.finish()
            }
            group.cancelAll()
        }
    }

    private func listen() async {
        while !Task.isCancelled {
            do {
                let connection = try await store.openConnection()
                var failure: (any Error)?
                do {
                    // The notification sequence does not end on cancellation; closing the
                    // connection does.
                    try await withTaskCancellationHandler {
                        try await connection.listen(on: PostgresSchema.accessChannel) { notifications in
                            state.withLock { $0.listening = true }
                            // Anything committed before LISTEN took effect was not heard.
                            changed.yield(.everything)
                            for try await notification in notifications {
                                if let change = Self.change(notification.payload) { changed.yield(change) }
                            }
                        }
                    } onCancel: {
                        let _: EventLoopFuture<Void> = connection.close()
                    }
                } catch {
                    failure = error
                }
                // Closed before it is released (PostgresNIO requires it).
                try? await connection.close()
                if let failure { throw failure }
            } catch {
                if Task.isCancelled { break }
                logger.warning(
                    "access view: not listening to PostgreSQL; retrying in 1 s",
                    metadata: ["error": "\(PostgresStore.describe(error))"])
            }
            state.withLock { $0.listening = false }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    static func change(_ payload: String) -> Change? {
        if payload == "r" { return .routers }
        if payload.hasPrefix("g:"), let mac = try? MACAddress(String(payload.dropFirst(2))) { return .device(mac) }
        return nil
    }

    private func apply(_ change: Change) async throws(StoreError) {
        switch change {
        case .device(let mac):
            let (grant, secrets) = try await store.accessGrant(mac: mac)
            state.withLock {
                if let old = $0.grants[mac], old.id != grant?.id { $0.secrets[old.id] = nil }
                $0.grants[mac] = grant
                if let grant { $0.secrets[grant.id] = secrets }
                $0.notifications += 1
            }
        case .routers:
            let routers = try await store.routers()
            state.withLock { $0.routers = routers }
        case .everything:
            let routers = try await store.routers()
            let (grants, secrets) = try await store.accessGrants()
            state.withLock {
                $0.routers = routers
                $0.grants = grants
                $0.secrets = secrets
                $0.loaded = true
                $0.lastFullSync = Date()
                $0.resyncs += 1
            }
        }
    }
}

extension PostgresStore {
    /// The device's active grant (without its purchase list, as the Access path needs) and its
    /// login secrets.
    func accessGrant(mac: MACAddress) async throws(StoreError) -> (Grant?, [LoginSecret]) {
        try await read(entity: "grant") { q in
            guard let row = try await q.row("SELECT * FROM grants WHERE mac = \(mac.description) AND status = 'active'")
            else { return (nil, []) }
            let grant = try StoredRows.grant(PostgresColumns(row, entity: "grant"), transactionIDs: [])
            let secrets = try await q.rows(
                """
                SELECT t.login_secret FROM grant_transactions g JOIN transactions t ON t.id = g.transaction_id
                WHERE g.grant_id = \(grant.id) AND t.login_secret IS NOT NULL ORDER BY g.position
                """
            ).map { row in try LoginSecret(try row["login_secret"].decode(String.self)) }
            return (grant, secrets)
        }
    }

    /// Every active grant and every active grant's login secrets, in two statements.
    func accessGrants() async throws(StoreError) -> ([MACAddress: Grant], [String: [LoginSecret]]) {
        try await read(entity: "grant") { q in
            var grants: [MACAddress: Grant] = [:]
            for row in try await q.rows("SELECT * FROM grants WHERE status = 'active'") {
                let grant = try StoredRows.grant(PostgresColumns(row, entity: "grant"), transactionIDs: [])
                grants[grant.mac] = grant
            }
            var secrets: [String: [LoginSecret]] = [:]
            for row in try await q.rows(
                """
                SELECT g.grant_id, t.login_secret FROM grant_transactions g
                JOIN grants a ON a.id = g.grant_id JOIN transactions t ON t.id = g.transaction_id
                WHERE a.status = 'active' AND t.login_secret IS NOT NULL ORDER BY g.grant_id, g.position
                """)
            {
                secrets[try row["grant_id"].decode(String.self), default: []].append(
                    try LoginSecret(try row["login_secret"].decode(String.self)))
            }
            return (grants, secrets)
        }
    }
}
