import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: UnlockJobStore {
    /// The unlock worker's query; kept here so the index test explains exactly what runs. Jobs to
    /// send and jobs whose confirmation window closed, each read in the index's order (an `IN`
    /// over both would sort), merged by the caller.
    public static let dueUnlockJobsSQL = """
        SELECT * FROM (SELECT * FROM unlock_jobs WHERE status = 'queued' AND next_attempt_at <= ?1
            ORDER BY next_attempt_at LIMIT ?2)
        UNION ALL
        SELECT * FROM (SELECT * FROM unlock_jobs WHERE status = 'confirming' AND next_attempt_at <= ?1
            ORDER BY next_attempt_at LIMIT ?2)
        """

    public func dueUnlockJobs(at date: Date, limit: Int) async throws(StoreError) -> [UnlockJob] {
        try await read(entity: "unlockjobs") { db in
            let jobs = try Row.fetchAll(db, sql: Self.dueUnlockJobsSQL, arguments: [date.epochMilliseconds, limit])
                .map(Self.unlockJob)
            return Array(jobs.sorted { $0.nextAttemptAt < $1.nextAttemptAt }.prefix(limit))
        }
    }

    public func unlockJobs(transactionID: String) async throws(StoreError) -> [UnlockJob] {
        try await read(entity: "unlockjobs") { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM unlock_jobs WHERE transaction_id = ? ORDER BY created_at"),
                arguments: [transactionID]
            ).map(Self.unlockJob)
        }
    }

    public func enqueueUnlockJob(_ job: UnlockJob) async throws(StoreError) {
        try await write(entity: "unlock job") { db in try Self.insert(job, db: db) }
    }

    public func requeueUnlockJobs(sentBefore: Date, at: Date) async throws(StoreError) -> Int {
        try await write(entity: "unlock job") { db in
            try db.cachedStatement(
                sql: """
                    UPDATE unlock_jobs SET status = 'queued', next_attempt_at = ?, updated_at = ?,
                        last_error = coalesce(last_error, 'interrupted while sending; sent again')
                    WHERE status = 'sent' AND updated_at < ?
                    """
            ).execute(
                arguments: [at.epochMilliseconds, at.epochMilliseconds, sentBefore.epochMilliseconds])
            return db.changesCount
        }
    }

    public func renewUnlockJobLeases(ids: [String], at: Date) async throws(StoreError) -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await write(entity: "unlock job") { db in
            var renewed = 0
            // One statement per id keeps the SQL text fixed (cached) whatever the count.
            let statement = try db.cachedStatement(
                sql: "UPDATE unlock_jobs SET updated_at = ? WHERE id = ? AND status = 'sent'")
            for id in ids {
                try statement.execute(arguments: [at.epochMilliseconds, id])
                renewed += db.changesCount
            }
            return renewed
        }
    }

    public func apply(
        _ event: UnlockJobStatus.Event, toUnlockJob id: String, at: Date, nextAttemptAt: Date?, error: String?
    ) async throws(StoreError) -> UnlockJob {
        try await write(entity: "unlock job") { db in
            try Self.apply(event, toUnlockJob: id, at: at, nextAttemptAt: nextAttemptAt, error: error, db: db)
        }
    }

    public func apply(
        _ event: UnlockJobStatus.Event, toUnlockJob id: String, at: Date, nextAttemptAt: Date?, error: String?,
        unlockedBy: UnlockPath?, audit auditEvent: AuditEvent
    ) async throws(StoreError) -> UnlockJob {
        try await write(entity: "unlock job") { db in
            let job = try Self.apply(
                event, toUnlockJob: id, at: at, nextAttemptAt: nextAttemptAt, error: error, unlockedBy: unlockedBy,
                db: db)
            try Self.audit(auditEvent, db: db)
            return job
        }
    }

    private static func apply(
        _ event: UnlockJobStatus.Event, toUnlockJob id: String, at: Date, nextAttemptAt: Date?, error: String?,
        unlockedBy: UnlockPath? = nil, db: Database
    ) throws -> UnlockJob {
        guard
            let current = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM unlock_jobs WHERE id = ?"), arguments: [id]
            ).map(
                Self.unlockJob)
        else { throw StoreError.notFound(entity: "unlock job", id: id) }
        let next: UnlockJob
        do throws(TransitionError) {
            next = try current.applying(
                event, at: at, nextAttemptAt: nextAttemptAt, error: error, unlockedBy: unlockedBy)
        } catch {
            throw StoreError.transition(error)
        }
        let sources = UnlockJobStatus.sources(for: event).map(\.rawValue)
        var arguments: StatementArguments = [
            next.status.rawValue, next.attempts, next.nextAttemptAt.epochMilliseconds, next.lastError,
            next.unlockedBy?.rawValue, at.epochMilliseconds, id,
        ]
        _ = arguments.append(contentsOf: StatementArguments(sources))
        // One SQL text per event (its source states are fixed), so the statement is cached too.
        try db.cachedStatement(
            sql: """
                UPDATE unlock_jobs SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, unlocked_by = ?,
                    updated_at = ?
                WHERE id = ? AND status IN (\(sources.map { _ in "?" }.joined(separator: ", ")))
                """
        ).execute(arguments: arguments)
        guard db.changesCount == 1 else { throw StoreError.notFound(entity: "unlock job", id: id) }
        return next
    }

    static func insert(_ job: UnlockJob, db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO unlock_jobs (id, transaction_id, grant_id, router_id, mac, action, status, attempts,
                    next_attempt_at, last_error, unlocked_by, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                job.id, job.transactionID, job.grantID, job.routerID, job.mac.description, job.action.rawValue,
                job.status.rawValue, job.attempts, job.nextAttemptAt.epochMilliseconds, job.lastError,
                job.unlockedBy?.rawValue, job.createdAt.epochMilliseconds, job.updatedAt.epochMilliseconds,
            ])
    }

    static func unlockJob(_ row: Row) throws -> UnlockJob {
        try StoredRows.unlockJob(RowReader(row, entity: "unlock job"))
    }
}
