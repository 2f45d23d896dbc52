import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: RefundStore {
    public func requestRefund(_ refund: Refund) async throws(StoreError) {
        try await write(entity: "refund") { db in
            guard let transaction = try Self.fetchTransaction(db, id: refund.transactionID) else {
                throw StoreError.notFound(entity: "transaction", id: refund.transactionID)
            }
            do throws(TransitionError) { _ = try transaction.status.applying(.refund) } catch {
                throw StoreError.transition(error)
            }
            let held = try Self.refundedAmount(db, transactionID: transaction.id, counting: "status != 'failed'")
            guard held + refund.amount <= transaction.amount else {
                throw StoreError.refundExceedsPayment(
                    transactionID: transaction.id, paid: transaction.amount, alreadyRefunded: held, asked: refund.amount
                )
            }
            try db.execute(
                sql: """
                    INSERT INTO refunds (id, transaction_id, amount_vnd, reason, status, provider_reference, failure, actor,
                        created_at, updated_at)
                    VALUES (?, ?, ?, ?, 'requested', NULL, NULL, ?, ?, ?)
                    """,
                arguments: [
                    refund.id, refund.transactionID, refund.amount.dong, refund.reason, refund.actor,
                    refund.createdAt.epochMilliseconds, refund.updatedAt.epochMilliseconds,
                ])
        }
    }

    public func completeRefund(id: String, providerReference: String, at: Date) async throws(StoreError) -> Transaction
    {
        try await write(entity: "refund") { db in
            let refund = try Self.requireRequestedRefund(db, id: id)
            try db.execute(
                sql: "UPDATE refunds SET status = 'succeeded', provider_reference = ?, updated_at = ? WHERE id = ?",
                arguments: [providerReference, at.epochMilliseconds, id])
            guard let current = try Self.fetchTransaction(db, id: refund.transactionID) else {
                throw StoreError.notFound(entity: "transaction", id: refund.transactionID)
            }
            let refunded = try Self.refundedAmount(db, transactionID: current.id, counting: "status = 'succeeded'")
            let detail =
                "refund \(id) of \(refund.amount.dong) VND by \(refund.actor) (provider reference \(providerReference)): \(refund.reason)"
            guard refunded >= current.amount else {
                try Self.audit(
                    AuditEvent(
                        at: at, kind: .transactionPartlyRefunded, actor: refund.actor, transactionID: current.id,
                        amount: refund.amount, detail: detail), db: db)
                return current
            }
            let next: Transaction
            do throws(TransitionError) { next = try current.applying(.refund, at: at) } catch {
                throw StoreError.transition(error)
            }
            try Self.conditionalUpdate(current: current, next: next, event: .refund, db: db)
            try Self.audit(
                AuditEvent(
                    at: at, kind: .transactionRefunded, actor: refund.actor, transactionID: current.id,
                    amount: refund.amount, detail: detail), db: db)
            return next
        }
    }

    public func failRefund(id: String, reason: String, at: Date) async throws(StoreError) {
        try await write(entity: "refund") { db in
            let refund = try Self.requireRequestedRefund(db, id: id)
            try db.execute(
                sql: "UPDATE refunds SET status = 'failed', failure = ?, updated_at = ? WHERE id = ?",
                arguments: [reason, at.epochMilliseconds, id])
            try Self.audit(
                AuditEvent(
                    at: at, kind: .refundFailed, actor: refund.actor, transactionID: refund.transactionID,
                    amount: refund.amount, detail: "refund \(id) failed: \(reason)"), db: db)
        }
    }

    public func noteRefund(id: String, note: String, at: Date) async throws(StoreError) -> Refund {
        try await write(entity: "refund") { db in
            var refund = try Self.requireRequestedRefund(db, id: id)
            guard refund.note != note else { return refund }
            try db.execute(
                sql: "UPDATE refunds SET note = ?, updated_at = ? WHERE id = ? AND status = 'requested'",
                arguments: [note, at.epochMilliseconds, id])
            try Self.audit(
                AuditEvent(
                    at: at, kind: .refundOutcomeUnknown, actor: refund.actor, transactionID: refund.transactionID,
                    amount: refund.amount, detail: "refund \(id): \(note)"), db: db)
            refund.note = note
            refund.updatedAt = at
            return refund
        }
    }

    public func refund(id: String) async throws(StoreError) -> Refund? {
        try await read(entity: "refunds") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM refunds WHERE id = ?", arguments: [id]).map(Self.refund)
        }
    }

    public func refunds(transactionID: String) async throws(StoreError) -> [Refund] {
        try await read(entity: "refunds") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM refunds WHERE transaction_id = ? ORDER BY created_at",
                arguments: [transactionID]
            ).map(Self.refund)
        }
    }

    private static func requireRequestedRefund(_ db: Database, id: String) throws -> Refund {
        guard
            let refund = try Row.fetchOne(db, sql: "SELECT * FROM refunds WHERE id = ?", arguments: [id]).map(
                Self.refund)
        else { throw StoreError.notFound(entity: "refund", id: id) }
        do throws(TransitionError) { try refund.checkRequested() } catch { throw StoreError.transition(error) }
        return refund
    }

    private static func refundedAmount(_ db: Database, transactionID: String, counting condition: String) throws
        -> Money
    {
        Money(
            dong: try Int64.fetchOne(
                db,
                sql: "SELECT COALESCE(SUM(amount_vnd), 0) FROM refunds WHERE transaction_id = ? AND \(condition)",
                arguments: [transactionID]) ?? 0)
    }

    static func refund(_ row: Row) throws -> Refund { try StoredRows.refund(RowReader(row, entity: "refund")) }
}
