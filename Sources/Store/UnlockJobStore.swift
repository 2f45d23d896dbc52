import HotspotPayCore

import struct Foundation.Date

/// The outbox of messages to routers.
public protocol UnlockJobStore: Sendable {
    /// Queued jobs due at or before `date`, oldest first.
    func dueUnlockJobs(at date: Date, limit: Int) async throws -> [UnlockJob]
    func unlockJobs(transactionID: String) async throws -> [UnlockJob]
    /// Moves a job by `event` if it is still in an allowed state; `retry` counts an attempt and
    /// sets the next attempt time, `error` is kept for the operator.
    func apply(
        _ event: UnlockJobStatus.Event, toUnlockJob id: String, at: Date, nextAttemptAt: Date?, error: String?
    ) async throws -> UnlockJob
}
