import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: RefundStore {
    /// The sale's row is locked first: two refunds asked for on two nodes at once take turns, so
    /// together they never exceed what was paid.
    public func requestRefund(_ refund: Refund) async throws(StoreError) {
        try await write(entity: "refund") { q in
            guard let transaction = try await Self.fetchTransaction(q, id: refund.transactionID, lock: true) else {
                throw StoreError.notFound(entity: "transaction", id: refund.transactionID)
            }
            do throws(TransitionError) { _ = try transaction.status.applying(.refund) } catch {
                throw StoreError.transition(error)
            }
            let held = try await Self.refundedAmount(q, transactionID: transaction.id, succeededOnly: false)
            guard held + refund.amount <= transaction.amount else {
                throw StoreError.refundExceedsPayment(
                    transactionID: transaction.id, paid: transaction.amount, alreadyRefunded: held, asked: refund.amount
                )
            }
            try await q.execute(
                """
                INSERT INTO refunds (id, transaction_id, amount_vnd, reason, status, provider_reference, failure, actor,
                    created_at, updated_at)
                VALUES (\(refund.id), \(refund.transactionID), \(refund.amount.dong), \(refund.reason), 'requested',
                    NULL, NULL, \(refund.actor), \(refund.createdAt.epochMilliseconds),
                    \(refund.updatedAt.epochMilliseconds))
                """)
        }
    }

    public func completeRefund(id: String, providerReference: String, at: Date) async throws(StoreError) -> Transaction
    {
        try await write(entity: "refund") { q in
            let refund = try await Self.requireRequestedRefund(q, id: id)
            guard let current = try await Self.fetchTransaction(q, id: refund.transactionID, lock: true) else {
                throw StoreError.notFound(entity: "transaction", id: refund.transactionID)
            }
            try await q.execute(
                """
                UPDATE refunds SET status = 'succeeded', provider_reference = \(providerReference),
                    updated_at = \(at.epochMilliseconds)
                WHERE id = \(id)
                """)
            let refunded = try await Self.refundedAmount(q, transactionID: current.id, succeededOnly: true)
            let detail =
                "refund \(id) of \(refund.amount.dong) VND by \(refund.actor) (provider reference \(providerReference)): \(refund.reason)"
            guard refunded >= current.amount else {
                try await Self.audit(
                    AuditEvent(
                        at: at, kind: .transactionPartlyRefunded, actor: refund.actor, transactionID: current.id,
                        amount: refund.amount, detail: detail), q)
                return current
            }
            let next: Transaction
            do throws(TransitionError) { next = try current.applying(.refund, at: at) } catch {
                throw StoreError.transition(error)
            }
            try await Self.conditionalUpdate(current: current, next: next, event: .refund, q)
            try await Self.audit(
                AuditEvent(
                    at: at, kind: .transactionRefunded, actor: refund.actor, transactionID: current.id,
                    amount: refund.amount, detail: detail), q)
            return next
        }
    }

    public func failRefund(id: String, reason: String, at: Date) async throws(StoreError) {
        try await write(entity: "refund") { q in
            let refund = try await Self.requireRequestedRefund(q, id: id)
            try await q.execute(
                """
                UPDATE refunds SET status = 'failed', failure = \(reason), updated_at = \(at.epochMilliseconds)
                WHERE id = \(id)
                """)
            try await Self.audit(
                AuditEvent(
                    at: at, kind: .refundFailed, actor: refund.actor, transactionID: refund.transactionID,
                    amount: refund.amount, detail: "refund \(id) failed: \(reason)"), q)
        }
    }

    public func noteRefund(id: String, note: String, at: Date) async throws(StoreError) -> Refund {
        try await write(entity: "refund") { q in
            var refund = try await Self.requireRequestedRefund(q, id: id)
            guard refund.note != note else { return refund }
            try await q.execute(
                """
                UPDATE refunds SET note = \(note), updated_at = \(at.epochMilliseconds)
                WHERE id = \(id) AND status = 'requested'
                """)
            try await Self.audit(
                AuditEvent(
                    at: at, kind: .refundOutcomeUnknown, actor: refund.actor, transactionID: refund.transactionID,
                    amount: refund.amount, detail: "refund \(id): \(note)"), q)
            refund.note = note
            refund.updatedAt = at
            return refund
        }
    }

    public func refund(id: String) async throws(StoreError) -> Refund? {
        try await read(entity: "refunds") { q in
            try await q.row("SELECT * FROM refunds WHERE id = \(id)").map(Self.refund)
        }
    }

    public func refunds(transactionID: String) async throws(StoreError) -> [Refund] {
        try await read(entity: "refunds") { q in
            try await q.rows("SELECT * FROM refunds WHERE transaction_id = \(transactionID) ORDER BY created_at")
                .map(Self.refund)
        }
    }

    /// The refund under its row lock, if it still waits for an answer.
    private static func requireRequestedRefund(_ q: PostgresQueries, id: String) async throws -> Refund {
        guard let refund = try await q.row("SELECT * FROM refunds WHERE id = \(id) FOR UPDATE").map(Self.refund) else {
            throw StoreError.notFound(entity: "refund", id: id)
        }
        do throws(TransitionError) { try refund.checkRequested() } catch { throw StoreError.transition(error) }
        return refund
    }

    /// Refunds held against a sale: succeeded ones, or all but failed ones.
    private static func refundedAmount(_ q: PostgresQueries, transactionID: String, succeededOnly: Bool) async throws
        -> Money
    {
        Money(
            dong: try await q.scalar(
                """
                SELECT COALESCE(SUM(amount_vnd), 0)::bigint FROM refunds
                WHERE transaction_id = \(transactionID)
                    AND (status = 'succeeded' OR (NOT \(succeededOnly) AND status <> 'failed'))
                """, as: Int64.self) ?? 0)
    }

    static func refund(_ row: PostgresRandomAccessRow) throws -> Refund {
        try StoredRows.refund(PostgresColumns(row, entity: "refund"))
    }
}
