import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: SessionStore {
    public func recordSession(_ session: RadiusSession) async throws(StoreError) {
        try await write(entity: "session") { db in
            let before = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT input_bytes + output_bytes AS total, updated_at FROM radius_sessions
                        WHERE router_id = ? AND acct_session_id = ?
                        """), arguments: [session.routerID, session.acctSessionID])
            try db.cachedStatement(
                sql: """
                    INSERT INTO radius_sessions (router_id, acct_session_id, mac, user_name, framed_ip, started_at, updated_at,
                        stopped_at, input_bytes, output_bytes, session_seconds, terminate_cause)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (router_id, acct_session_id) DO UPDATE SET
                        framed_ip = coalesce(excluded.framed_ip, framed_ip), updated_at = excluded.updated_at,
                        stopped_at = coalesce(stopped_at, excluded.stopped_at),
                        input_bytes = max(input_bytes, excluded.input_bytes),
                        output_bytes = max(output_bytes, excluded.output_bytes),
                        session_seconds = max(session_seconds, excluded.session_seconds),
                        terminate_cause = coalesce(terminate_cause, excluded.terminate_cause)
                    """
            ).execute(
                arguments: [
                    session.routerID, session.acctSessionID, session.mac.description, session.userName,
                    session.framedIP?.description, session.startedAt.epochMilliseconds,
                    session.updatedAt.epochMilliseconds,
                    session.stoppedAt?.epochMilliseconds, session.inputBytes, session.outputBytes,
                    session.sessionSeconds,
                    session.terminateCause,
                ])
            // Data used since the previous report counts against the device's data cap, but only
            // while a grant was already running then: captive-portal traffic before the payment
            // is not charged to the guest.
            // A session that began after a job was queued settles it: for a CoA the device is
            // in with its paid attributes, for a Disconnect the old session is gone (RouterOS
            // keeps one session per MAC per router), for a login the browser, the MAC-auth retry
            // or the REST login (a job the worker is sending) brought it in.
            guard let before else {
                let settled = try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            UPDATE unlock_jobs SET status = 'acked', updated_at = ?,
                                last_error = 'unlocked by the accounting start of session ' || ?,
                                unlocked_by = CASE
                                    WHEN action = 'login' AND status = 'sent' THEN 'api'
                                    WHEN action = 'login' THEN ?
                                    WHEN status IN ('confirming', 'unconfirmed') THEN 'disconnect'
                                    ELSE action END
                            WHERE mac = ? AND router_id = ? AND status IN ('queued', 'sent', 'confirming', 'unconfirmed') AND created_at <= ?
                            RETURNING transaction_id, action, unlocked_by, EXISTS (
                                SELECT 1 FROM grants g WHERE g.id = unlock_jobs.grant_id AND g.status = 'active'
                                    AND g.mac = unlock_jobs.mac) AS unlocking
                            """),
                    arguments: [
                        session.updatedAt.epochMilliseconds, session.acctSessionID, session.authenticatedBy?.rawValue,
                        session.mac.description, session.routerID, session.startedAt.epochMilliseconds,
                    ])
                for job in settled {
                    guard let action = UnlockAction(rawValue: job["action"]),
                        let event = AuditEvent.unlockAcknowledged(
                            byStartOf: session, transactionID: job["transaction_id"], action: action,
                            path: job["unlocked_by"], unlocking: job["unlocking"])
                    else { continue }
                    try Self.audit(event, db: db)
                }
                return
            }
            let previousTotal: Int64 = before["total"]
            let previousUpdate: Int64 = before["updated_at"]
            let total =
                try Int64.fetchOne(
                    db.cachedStatement(
                        sql:
                            "SELECT input_bytes + output_bytes FROM radius_sessions WHERE router_id = ? AND acct_session_id = ?"
                    ),
                    arguments: [session.routerID, session.acctSessionID]) ?? previousTotal
            let used = total - previousTotal
            guard used > 0 else { return }
            try db.cachedStatement(
                sql: """
                    UPDATE grants SET data_remaining_bytes = max(0, data_remaining_bytes - ?), updated_at = ?
                    WHERE mac = ? AND status = 'active' AND data_remaining_bytes IS NOT NULL AND starts_at <= ?
                    """
            ).execute(
                arguments: [used, session.updatedAt.epochMilliseconds, session.mac.description, previousUpdate])
        }
    }

    public func openSessions(mac: MACAddress) async throws(StoreError) -> [RadiusSession] {
        try readNow { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT * FROM radius_sessions WHERE mac = ? AND stopped_at IS NULL ORDER BY started_at"),
                arguments: [mac.description]
            ).map(Self.session)
        }
    }

    public func openSession(framedIP ip: IPAddress) async throws(StoreError) -> RadiusSession? {
        try await read(entity: "sessions") { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT * FROM radius_sessions WHERE framed_ip = ? AND stopped_at IS NULL ORDER BY started_at DESC LIMIT 1"
                ),
                arguments: [ip.description]
            ).map(Self.session)
        }
    }

    public func closeSessions(routerID: String, at: Date, cause: String) async throws(StoreError) -> Int {
        try await write(entity: "session") { db in
            try db.cachedStatement(
                sql:
                    "UPDATE radius_sessions SET stopped_at = ?, terminate_cause = ?, updated_at = ? WHERE router_id = ? AND stopped_at IS NULL"
            ).execute(
                arguments: [at.epochMilliseconds, cause, at.epochMilliseconds, routerID])
            return db.changesCount
        }
    }

    static func session(_ row: Row) throws -> RadiusSession {
        try StoredRows.session(RowReader(row, entity: "session", idColumn: "acct_session_id"))
    }
}
