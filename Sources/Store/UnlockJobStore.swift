import HotspotPayCore

import struct Foundation.Date

/// The outbox of messages to routers.
public protocol UnlockJobStore: Sendable {
    /// Queued jobs due at or before `date`, oldest first.
    func dueUnlockJobs(at date: Date, limit: Int) async throws(StoreError) -> [UnlockJob]
    func unlockJobs(transactionID: String) async throws(StoreError) -> [UnlockJob]
    /// Adds a job (the sweeper's Disconnect for a session that outlived its grant).
    func enqueueUnlockJob(_ job: UnlockJob) async throws(StoreError)
    /// Jobs left `sent` by a worker that stopped mid-request (crash, restart) before
    /// `sentBefore`: queued again so the next worker sends them. Returns how many.
    func requeueUnlockJobs(sentBefore: Date, at: Date) async throws(StoreError) -> Int
    /// Renews the lease of jobs this node is still sending (`sent`, `updated_at` set to `at`),
    /// so no node takes them for interrupted while their retransmissions run. Returns how many.
    func renewUnlockJobLeases(ids: [String], at: Date) async throws(StoreError) -> Int
    /// Moves a job by `event` if it is still in an allowed state; `retry` counts an attempt and
    /// sets the next attempt time, `error` is kept for the operator.
    func apply(
        _ event: UnlockJobStatus.Event, toUnlockJob id: String, at: Date, nextAttemptAt: Date?, error: String?
    ) async throws(StoreError) -> UnlockJob
    /// ``apply(_:toUnlockJob:at:nextAttemptAt:error:)`` and `audit` in one database transaction:
    /// an outcome is never recorded without its audit line, and it costs one commit, not two.
    /// `unlockedBy` records how the device got online when the job is done.
    func apply(
        _ event: UnlockJobStatus.Event, toUnlockJob id: String, at: Date, nextAttemptAt: Date?, error: String?,
        unlockedBy: UnlockPath?, audit: AuditEvent
    ) async throws(StoreError) -> UnlockJob
}
