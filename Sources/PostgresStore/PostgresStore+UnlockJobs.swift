import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: UnlockJobStore {
    public func dueUnlockJobs(at date: Date, limit: Int) async throws(StoreError) -> [UnlockJob] {
        try await read(entity: "unlockjobs") { q in
            let jobs = try await q.rows(Self.dueUnlockJobs(date, limit: limit)).map(Self.unlockJob)
            return Array(jobs.sorted { $0.nextAttemptAt < $1.nextAttemptAt }.prefix(limit))
        }
    }

    /// The unlock worker's query (the query-plan test reads it from here). Reading is not claiming:
    /// the worker's `send` is a conditional update, which one node wins.
    static func dueUnlockJobs(_ date: Date, limit: Int) -> PostgresQuery {
        // Jobs to send and jobs whose confirmation window closed, each in the index's order (an
        // `IN` over both would sort), merged by the caller.
        """
        (SELECT * FROM unlock_jobs WHERE status = 'queued' AND next_attempt_at <= \(date.epochMilliseconds)
            ORDER BY next_attempt_at LIMIT \(limit))
        UNION ALL
        (SELECT * FROM unlock_jobs WHERE status = 'confirming' AND next_attempt_at <= \(date.epochMilliseconds)
            ORDER BY next_attempt_at LIMIT \(limit))
        """
    }

    public func unlockJobs(transactionID: String) async throws(StoreError) -> [UnlockJob] {
        try await read(entity: "unlockjobs") { q in
            try await q.rows("SELECT * FROM unlock_jobs WHERE transaction_id = \(transactionID) ORDER BY created_at")
                .map(Self.unlockJob)
        }
    }

    public func enqueueUnlockJob(_ job: UnlockJob) async throws(StoreError) {
        try await write(entity: "unlock job") { q in try await Self.insert(job, q) }
    }

    /// Jobs a node was sending when it stopped renewing their lease (it died) go back to the queue.
    public func requeueUnlockJobs(sentBefore: Date, at: Date) async throws(StoreError) -> Int {
        try await write(entity: "unlock job") { q in
            try await q.changed(
                """
                UPDATE unlock_jobs SET status = 'queued', next_attempt_at = \(at.epochMilliseconds),
                    updated_at = \(at.epochMilliseconds),
                    last_error = coalesce(last_error, 'interrupted while sending; sent again')
                WHERE status = 'sent' AND updated_at < \(sentBefore.epochMilliseconds) RETURNING id
                """)
        }
    }

    public func renewUnlockJobLeases(ids: [String], at: Date) async throws(StoreError) -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await write(entity: "unlock job") { q in
            try await q.changed(
                """
                UPDATE unlock_jobs SET updated_at = \(at.epochMilliseconds)
                WHERE id = ANY(\(ids)) AND status = 'sent' RETURNING id
                """)
        }
    }

    public func apply(
        _ event: UnlockJobStatus.Event, toUnlockJob id: String, at: Date, nextAttemptAt: Date?, error: String?
    ) async throws(StoreError) -> UnlockJob {
        try await write(entity: "unlock job") { q in
            try await Self.apply(event, toUnlockJob: id, at: at, nextAttemptAt: nextAttemptAt, error: error, q)
        }
    }

    public func apply(
        _ event: UnlockJobStatus.Event, toUnlockJob id: String, at: Date, nextAttemptAt: Date?, error: String?,
        unlockedBy: UnlockPath?, audit auditEvent: AuditEvent
    ) async throws(StoreError) -> UnlockJob {
        try await write(entity: "unlock job") { q in
            let job = try await Self.apply(
                event, toUnlockJob: id, at: at, nextAttemptAt: nextAttemptAt, error: error, unlockedBy: unlockedBy, q)
            try await Self.audit(auditEvent, q)
            return job
        }
    }

    private static func apply(
        _ event: UnlockJobStatus.Event, toUnlockJob id: String, at: Date, nextAttemptAt: Date?, error: String?,
        unlockedBy: UnlockPath? = nil, _ q: PostgresQueries
    ) async throws -> UnlockJob {
        guard let current = try await q.row("SELECT * FROM unlock_jobs WHERE id = \(id)").map(Self.unlockJob) else {
            throw StoreError.notFound(entity: "unlock job", id: id)
        }
        let next: UnlockJob
        do throws(TransitionError) {
            next = try current.applying(
                event, at: at, nextAttemptAt: nextAttemptAt, error: error, unlockedBy: unlockedBy)
        } catch {
            throw StoreError.transition(error)
        }
        let sources = UnlockJobStatus.sources(for: event).map(\.rawValue)
        // Conditional on the state read: of two nodes sending one job, one wins the update.
        let changed = try await q.changed(
            """
            UPDATE unlock_jobs SET status = \(next.status.rawValue), attempts = \(next.attempts),
                next_attempt_at = \(next.nextAttemptAt.epochMilliseconds), last_error = \(next.lastError),
                unlocked_by = \(next.unlockedBy?.rawValue), updated_at = \(at.epochMilliseconds)
            WHERE id = \(id) AND status = ANY(\(sources)) AND status = \(current.status.rawValue) RETURNING id
            """)
        guard changed == 1 else { throw StoreError.notFound(entity: "unlock job", id: id) }
        return next
    }

    static func insert(_ job: UnlockJob, _ q: PostgresQueries) async throws {
        try await q.execute(
            """
            INSERT INTO unlock_jobs (id, transaction_id, grant_id, router_id, mac, action, status, attempts,
                next_attempt_at, last_error, unlocked_by, created_at, updated_at)
            VALUES (\(job.id), \(job.transactionID), \(job.grantID), \(job.routerID), \(job.mac.description),
                \(job.action.rawValue), \(job.status.rawValue), \(job.attempts), \(job.nextAttemptAt.epochMilliseconds),
                \(job.lastError), \(job.unlockedBy?.rawValue), \(job.createdAt.epochMilliseconds),
                \(job.updatedAt.epochMilliseconds))
            """)
    }

    static func unlockJob(_ row: PostgresRandomAccessRow) throws -> UnlockJob {
        try StoredRows.unlockJob(PostgresColumns(row, entity: "unlock job"))
    }
}
