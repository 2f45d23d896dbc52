import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: GrantMoveStore {
    public func moveGrant(receipt: ReceiptCode, to mac: MACAddress, routerID: String, at: Date, actor: String)
        async throws(StoreError) -> GrantMove
    {
        try await write(entity: "grant") { db in
            try Self.move(receipt: receipt, to: mac, routerID: routerID, at: at, actor: actor, db: db)
        }
    }

    private static func move(
        receipt: ReceiptCode, to mac: MACAddress, routerID: String, at: Date, actor: String, db: Database
    ) throws -> GrantMove {
        guard
            let purchase = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM transactions WHERE receipt_digest = ?"),
                arguments: [receipt.digest]
            ).map(transaction)
        else { return .refused(.unknownReceipt) }
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT g.* FROM grants g JOIN grant_transactions gt ON gt.grant_id = g.id
                        WHERE gt.transaction_id = ? AND g.status = 'active' AND g.valid_until > ?
                        """), arguments: [purchase.id, at.epochMilliseconds])
        else { return .refused(.noActiveAccess) }
        let before = try grant(row, db: db)
        if before.mac == mac { return .alreadyHere(grant: before, transaction: purchase) }
        let moves: Int = row["moves"]
        guard moves < GrantMoves.maximum else { return .refused(.tooManyMoves) }
        if try activeGrant(db, mac: mac) != nil { return .refused(.deviceHasAccess) }
        try db.cachedStatement(
            sql: """
                UPDATE grants SET mac = ?, moves = moves + 1, updated_at = ?
                WHERE id = ? AND status = 'active' AND moves < ?
                """
        ).execute(arguments: [mac.description, at.epochMilliseconds, before.id, GrantMoves.maximum])
        guard db.changesCount == 1 else { return .refused(.tooManyMoves) }
        var moved = before
        moved.mac = mac
        moved.updatedAt = at

        let leftRouters = try String.fetchAll(
            db.cachedStatement(
                sql: "SELECT DISTINCT router_id FROM radius_sessions WHERE mac = ? AND stopped_at IS NULL"),
            arguments: [before.mac.description])
        var arrival: (strategy: UnlockStrategy, hasAPI: Bool)?
        if let router = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT strategy, api_url IS NOT NULL AS has_api FROM routers WHERE id = ?"),
            arguments: [routerID])
        {
            arrival = (UnlockStrategy(rawValue: router["strategy"]) ?? .login, router["has_api"])
        }
        let jobs = GrantMoves.unlockJobs(
            purchase: purchase, grant: moved, from: before.mac, onlineAt: leftRouters, to: routerID, arrival: arrival,
            at: at)
        for unlock in jobs { try insert(unlock, db: db) }
        try audit(
            AuditEvent(
                at: at, kind: .grantMoved, actor: actor, transactionID: purchase.id,
                detail:
                    "grant \(moved.id) moved from \(before.mac) to \(mac) with its receipt code (move \(moves + 1) of \(GrantMoves.maximum))"
            ), db: db)
        return .moved(grant: moved, from: before.mac, transaction: purchase, jobs: jobs)
    }
}
