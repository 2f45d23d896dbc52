import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: GrantMoveStore {
    public func moveGrant(receipt: ReceiptCode, to mac: MACAddress, routerID: String, at: Date, actor: String)
        async throws(StoreError) -> GrantMove
    {
        try await write(entity: "grant") { q in
            try await Self.move(receipt: receipt, to: mac, routerID: routerID, at: at, actor: actor, q)
        }
    }

    /// As on SQLite; both devices are locked first (in one order, so two moves never wait on each
    /// other), then the grant is read again under its row lock.
    private static func move(
        receipt: ReceiptCode, to mac: MACAddress, routerID: String, at: Date, actor: String, _ q: PostgresQueries
    ) async throws -> GrantMove {
        guard
            let purchase = try await q.row("SELECT * FROM transactions WHERE receipt_digest = \(receipt.digest)")
                .map(transaction)
        else { return .refused(.unknownReceipt) }
        let activeGrantSQL: PostgresQuery = """
            SELECT g.id, g.mac FROM grants g JOIN grant_transactions gt ON gt.grant_id = g.id
            WHERE gt.transaction_id = \(purchase.id) AND g.status = 'active' AND g.valid_until > \(at.epochMilliseconds)
            """
        guard let found = try await q.row(activeGrantSQL) else { return .refused(.noActiveAccess) }
        let foundMAC = try found["mac"].decode(String.self)
        for device in Set([foundMAC, mac.description]).sorted() {
            try await q.execute("SELECT pg_advisory_xact_lock(hashtextextended(\(device), 0))")
        }
        guard
            let row = try await q.row(
                """
                SELECT * FROM grants WHERE id = \(try found["id"].decode(String.self)) AND status = 'active'
                    AND mac = \(foundMAC) FOR UPDATE
                """)
        else { return .refused(.noActiveAccess) }
        let before = try await grant(row, q)
        if before.mac == mac { return .alreadyHere(grant: before, transaction: purchase) }
        let moves = Int(try row["moves"].decode(Int64.self))
        guard moves < GrantMoves.maximum else { return .refused(.tooManyMoves) }
        if try await activeGrant(q, mac: mac) != nil { return .refused(.deviceHasAccess) }
        let changed = try await q.changed(
            """
            UPDATE grants SET mac = \(mac.description), moves = moves + 1, updated_at = \(at.epochMilliseconds)
            WHERE id = \(before.id) AND status = 'active' AND moves < \(GrantMoves.maximum) RETURNING id
            """)
        guard changed == 1 else { return .refused(.tooManyMoves) }
        var moved = before
        moved.mac = mac
        moved.updatedAt = at
        let leftRouters = try await q.rows(
            """
            SELECT DISTINCT router_id FROM radius_sessions WHERE mac = \(before.mac.description) AND stopped_at IS NULL
            """
        ).map { try $0["router_id"].decode(String.self) }
        var arrival: (strategy: UnlockStrategy, hasAPI: Bool)?
        if let router = try await q.row(
            "SELECT strategy, api_url IS NOT NULL AS has_api FROM routers WHERE id = \(routerID)")
        {
            arrival = (
                UnlockStrategy(rawValue: try router["strategy"].decode(String.self)) ?? .login,
                try router["has_api"].decode(Bool.self)
            )
        }
        let jobs = GrantMoves.unlockJobs(
            purchase: purchase, grant: moved, from: before.mac, onlineAt: leftRouters, to: routerID, arrival: arrival,
            at: at)
        for unlock in jobs { try await insert(unlock, q) }
        try await audit(
            AuditEvent(
                at: at, kind: .grantMoved, actor: actor, transactionID: purchase.id,
                detail:
                    "grant \(moved.id) moved from \(before.mac) to \(mac) with its receipt code (move \(moves + 1) of \(GrantMoves.maximum))"
            ), q)
        return .moved(grant: moved, from: before.mac, transaction: purchase, jobs: jobs)
    }
}
