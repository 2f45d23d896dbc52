import Dispatch
import GRDB
import Synchronization

/// Group commit: writes that arrive while one is being committed wait, then go to the database
/// together in one transaction, each inside its own savepoint. Callers keep their own outcome
/// (a write that fails is rolled back to its savepoint without touching the others) and are
/// answered only after the shared COMMIT, so what was acknowledged is as durable as before.
///
/// Why: under a burst of payments most of a commit's cost is per transaction (the writer's
/// queue hop, BEGIN/COMMIT, and the WAL frames of pages that the next write dirties again);
/// sharing it is what lets one SQLite writer keep up with thousands of callbacks a second.
/// With one write at a time nothing changes: the batch is that one write.
///
/// The batches are written one after another on a thread of their own, synchronously: the next
/// batch starts the moment the last COMMIT returns. (Draining from a Swift task instead meant
/// two thread switches between batches and a wait for a free cooperative thread, during which
/// the writer sat idle; see BENCHMARKS.md, checkout.)
final class GroupCommit: Sendable {
    typealias Body = @Sendable (Database) throws -> any Sendable

    private struct Waiting: Sendable {
        let body: Body
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    private let pool: DatabasePool
    private let maximumBatch: Int
    private let state = Mutex<(waiting: [Waiting], draining: Bool)>(([], false))
    private let drainer = DispatchQueue(label: "hotspotpay.store.group-commit")

    init(pool: DatabasePool, maximumBatch: Int = 64) {
        self.pool = pool
        self.maximumBatch = maximumBatch
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let value = try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state in
                state.waiting.append(Waiting(body: { try body($0) }, continuation: continuation))
                if state.draining { return false }
                state.draining = true
                return true
            }
            if start { drainer.async { self.drain() } }
        }
        // The body produced exactly a T; the cast only undoes the type erasure above.
        return value as! T
    }

    private func drain() {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let batch = Array(state.waiting.prefix(maximumBatch))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let results = try pool.write { db in
                    batch.map { waiting -> Result<any Sendable, any Error> in
                        var result: Result<any Sendable, any Error> = .failure(CancellationError())
                        do {
                            try db.inSavepoint {
                                do {
                                    result = .success(try waiting.body(db))
                                    return .commit
                                } catch {
                                    result = .failure(error)
                                    return .rollback
                                }
                            }
                        } catch {
                            result = .failure(error)
                        }
                        return result
                    }
                }
                for (waiting, result) in zip(batch, results) { waiting.continuation.resume(with: result) }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
        }
    }
}
