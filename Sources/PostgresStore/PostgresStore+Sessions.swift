import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: SessionStore {
    /// Records an accounting report as the SQLite store does (see there for why each step).
    /// The previous totals come back from the same upsert (`RETURNING` the old row through a
    /// locked read), so two nodes receiving reports for one session never charge data twice.
    public func recordSession(_ session: RadiusSession) async throws(StoreError) {
        try await write(entity: "session") { q in
            let before = try await q.row(
                """
                SELECT input_bytes + output_bytes AS total, updated_at FROM radius_sessions
                WHERE router_id = \(session.routerID) AND acct_session_id = \(session.acctSessionID) FOR UPDATE
                """)
            let total = try await q.scalar(
                """
                INSERT INTO radius_sessions AS s (router_id, acct_session_id, mac, user_name, framed_ip, started_at,
                    updated_at, stopped_at, input_bytes, output_bytes, session_seconds, terminate_cause)
                VALUES (\(session.routerID), \(session.acctSessionID), \(session.mac.description), \(session.userName),
                    \(session.framedIP?.description), \(session.startedAt.epochMilliseconds),
                    \(session.updatedAt.epochMilliseconds), \(session.stoppedAt?.epochMilliseconds),
                    \(session.inputBytes), \(session.outputBytes), \(session.sessionSeconds), \(session.terminateCause))
                ON CONFLICT (router_id, acct_session_id) DO UPDATE SET
                    framed_ip = coalesce(excluded.framed_ip, s.framed_ip), updated_at = excluded.updated_at,
                    stopped_at = coalesce(s.stopped_at, excluded.stopped_at),
                    input_bytes = greatest(s.input_bytes, excluded.input_bytes),
                    output_bytes = greatest(s.output_bytes, excluded.output_bytes),
                    session_seconds = greatest(s.session_seconds, excluded.session_seconds),
                    terminate_cause = coalesce(s.terminate_cause, excluded.terminate_cause)
                RETURNING input_bytes + output_bytes
                """, as: Int64.self)
            guard let before else {
                let settled = try await q.rows(
                    """
                    UPDATE unlock_jobs SET status = 'acked', updated_at = \(session.updatedAt.epochMilliseconds),
                        last_error = 'unlocked by the accounting start of session ' || \(session.acctSessionID),
                        unlocked_by = CASE
                            WHEN action = 'login' AND status = 'sent' THEN 'api'
                            WHEN action = 'login' THEN \(session.authenticatedBy?.rawValue)
                            WHEN status IN ('confirming', 'unconfirmed') THEN 'disconnect'
                            ELSE action END
                    WHERE mac = \(session.mac.description) AND router_id = \(session.routerID)
                        AND status IN ('queued', 'sent', 'confirming', 'unconfirmed') AND created_at <= \(session.startedAt.epochMilliseconds)
                    RETURNING transaction_id, action, unlocked_by, EXISTS (
                        SELECT 1 FROM grants g WHERE g.id = unlock_jobs.grant_id AND g.status = 'active'
                            AND g.mac = unlock_jobs.mac) AS unlocking
                    """)
                for job in settled {
                    guard let action = UnlockAction(rawValue: try job["action"].decode(String.self)),
                        let event = AuditEvent.unlockAcknowledged(
                            byStartOf: session, transactionID: try job["transaction_id"].decode(String.self),
                            action: action, path: try job["unlocked_by"].decode(String?.self),
                            unlocking: try job["unlocking"].decode(Bool.self))
                    else { continue }
                    try await Self.audit(event, q)
                }
                return
            }
            let previousTotal = try before["total"].decode(Int64.self)
            let previousUpdate = try before["updated_at"].decode(Int64.self)
            let used = (total ?? previousTotal) - previousTotal
            guard used > 0 else { return }
            try await q.execute(
                """
                UPDATE grants SET data_remaining_bytes = greatest(0, data_remaining_bytes - \(used)),
                    updated_at = \(session.updatedAt.epochMilliseconds)
                WHERE mac = \(session.mac.description) AND status = 'active' AND data_remaining_bytes IS NOT NULL
                    AND starts_at <= \(previousUpdate)
                """)
        }
    }

    public func openSessions(mac: MACAddress) async throws(StoreError) -> [RadiusSession] {
        try await read(entity: "sessions") { q in
            try await q.rows(
                "SELECT * FROM radius_sessions WHERE mac = \(mac.description) AND stopped_at IS NULL ORDER BY started_at"
            ).map(Self.session)
        }
    }

    public func openSession(framedIP ip: IPAddress) async throws(StoreError) -> RadiusSession? {
        try await read(entity: "sessions") { q in
            try await q.row(
                """
                SELECT * FROM radius_sessions WHERE framed_ip = \(ip.description) AND stopped_at IS NULL
                ORDER BY started_at DESC LIMIT 1
                """
            ).map(Self.session)
        }
    }

    public func closeSessions(routerID: String, at: Date, cause: String) async throws(StoreError) -> Int {
        try await write(entity: "session") { q in
            try await q.changed(
                """
                UPDATE radius_sessions SET stopped_at = \(at.epochMilliseconds), terminate_cause = \(cause),
                    updated_at = \(at.epochMilliseconds)
                WHERE router_id = \(routerID) AND stopped_at IS NULL RETURNING acct_session_id
                """)
        }
    }

    static func session(_ row: PostgresRandomAccessRow) throws -> RadiusSession {
        try StoredRows.session(PostgresColumns(row, entity: "session", idColumn: "acct_session_id"))
    }
}
