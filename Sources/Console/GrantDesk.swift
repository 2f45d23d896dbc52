import Foundation
import HotspotPayCore
import Store

/// Devices' paid access as operators manage it: list, add time, take away.
public struct GrantDesk: Sendable {
    public typealias Stores = GrantStore & ReportStore & SessionStore & UnlockJobStore
    let store: any Stores
    /// Wakes the unlock worker after jobs were queued.
    let unlocks: any UnlockDispatch

    public init(store: any Stores, unlocks: any UnlockDispatch = StoredUnlocksOnly()) {
        self.store = store
        self.unlocks = unlocks
    }

    public func active(limit: Int = 100, offset: Int = 0) async throws(ConsoleError) -> [Grant] {
        try await ConsoleError.wrap {
            try await store.activeGrants(limit: min(max(limit, 1), 1000), offset: max(0, offset))
        }
    }

    public func grant(id: String) async throws(ConsoleError) -> Grant {
        guard let grant = try await ConsoleError.wrap({ try await store.grant(id: id) }) else {
            throw .notFound(entity: "grant", id: id)
        }
        return grant
    }

    /// Adds time (`30m`, `1d`) and optionally data (`1GB`) to an active grant. Devices online
    /// get a CoA with the new Session-Timeout, so the router does not cut them at the old end.
    public func extend(id: String, by duration: String, data: String? = nil, reason: String, actor: String)
        async throws(ConsoleError) -> Grant
    {
        var problems: [ValidationProblem] = []
        var seconds: Int64 = 0
        do throws(DurationText.ParseError) { seconds = try DurationText.seconds(duration) } catch {
            problems.append(.init(field: "duration", message: error.description))
        }
        if seconds <= 0 || seconds > 366 * 86_400 {
            problems.append(.init(field: "duration", message: "between 1 second and 366 days, e.g. 30m or 1d"))
        }
        var bytes: Int64?
        if let data, !data.isEmpty {
            do throws(ByteCount.ParseError) { bytes = try ByteCount.bytes(data) } catch {
                problems.append(.init(field: "data", message: error.description))
            }
        }
        if reason.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append(.init(field: "reason", message: "say why, for the audit log"))
        }
        guard problems.isEmpty else { throw .invalid(problems) }
        let extended = try await ConsoleError.wrap { [seconds, bytes] in
            try await store.extendGrant(
                id: id, bySeconds: seconds, dataBytes: bytes, at: Date(), actor: actor, reason: reason)
        }
        try await queue(.coa, for: extended)
        return extended
    }

    /// Ends an active grant now and disconnects the device's open sessions.
    public func revoke(id: String, reason: String, actor: String) async throws(ConsoleError) -> Grant {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalid([.init(field: "reason", message: "say why, for the audit log")])
        }
        let revoked = try await ConsoleError.wrap {
            try await store.apply(.revoke, toGrant: id, at: Date(), actor: actor, detail: reason)
        }
        try await queue(.disconnect, for: revoked)
        return revoked
    }

    private func queue(_ action: UnlockAction, for grant: Grant) async throws(ConsoleError) {
        let queued = try await ConsoleError.wrap {
            let now = Date()
            var generator = SystemRandomNumberGenerator()
            let sessions = try await store.openSessions(mac: grant.mac)
            for session in sessions {
                try await store.enqueueUnlockJob(
                    UnlockJob(
                        id: EntityID.random(using: &generator), transactionID: grant.transactionIDs.last,
                        grantID: grant.id, routerID: session.routerID, mac: grant.mac, action: action,
                        nextAttemptAt: now, createdAt: now, updatedAt: now))
            }
            return sessions.count
        }
        if queued > 0 { unlocks.queued() }
    }
}
