import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: UnappliedPaymentStore {
    public func unappliedPayments(open: Bool, limit: Int) async throws(StoreError) -> [UnappliedPayment] {
        try await read(entity: "unappliedpayments") { db in
            try Row.fetchAll(
                db,
                sql: open
                    ? "SELECT * FROM unapplied_payments WHERE resolved_at IS NULL ORDER BY received_at DESC LIMIT ?"
                    : "SELECT * FROM unapplied_payments ORDER BY received_at DESC LIMIT ?",
                arguments: [limit]
            ).map(Self.unappliedPayment)
        }
    }

    public func unappliedPayment(id: String) async throws(StoreError) -> UnappliedPayment? {
        try await read(entity: "unappliedpayments") { db in try Self.fetchUnapplied(db, id: id) }
    }

    public func markUnappliedRefundRequested(id: String, at: Date?, actor: String) async throws(StoreError)
        -> UnappliedPayment
    {
        try await write(entity: "unapplied payment") { db in
            guard var current = try Self.fetchUnapplied(db, id: id) else {
                throw StoreError.notFound(entity: "unapplied payment", id: id)
            }
            do throws(TransitionError) { try current.checkRefundCanBeSent(at: at) } catch {
                throw StoreError.transition(error)
            }
            try db.execute(
                sql: "UPDATE unapplied_payments SET refund_requested_at = ? WHERE id = ?",
                arguments: [at?.epochMilliseconds, id])
            current.refundRequestedAt = at
            return current
        }
    }

    public func resolveUnappliedPayment(
        id: String, resolution: UnappliedPayment.Resolution, note: String, actor: String, at: Date
    ) async throws(StoreError) -> UnappliedPayment {
        try await write(entity: "unapplied payment") { db in
            try Self.resolve(id: id, resolution: resolution, note: note, actor: actor, at: at, db: db)
        }
    }

    public func grantUnappliedPayment(id: String, note: String, actor: String, at: Date) async throws(StoreError)
        -> PaymentApplication
    {
        try await write(entity: "unapplied payment") { db in
            let money = try Self.requireOpenUnapplied(db, id: id, event: "grant")
            guard let current = try Self.fetchTransaction(db, id: money.transactionID) else {
                throw StoreError.notFound(entity: "transaction", id: money.transactionID)
            }
            var next: Transaction
            do throws(TransitionError) { next = try current.applying(.acceptReviewed, at: at) } catch {
                throw StoreError.transition(error)
            }
            next.providerReference = money.providerReference
            var confirmation = PaymentConfirmation(
                transactionID: current.id, provider: money.provider, providerReference: money.providerReference,
                amount: money.amount, at: at, actor: actor)
            confirmation.claimUnlock = false
            let applied = try Self.applyPaid(
                current: current, next: next, event: .acceptReviewed, confirmation: confirmation,
                kind: .paymentConfirmed,
                detail: "granted by \(actor) from money received without access (\(money.provider) reference "
                    + "\(money.providerReference), \(money.amount.dong) VND): \(note)",
                db: db)
            _ = try Self.resolve(id: id, resolution: .granted, note: note, actor: actor, at: at, db: db)
            return applied
        }
    }

    private static func resolve(
        id: String, resolution: UnappliedPayment.Resolution, note: String, actor: String, at: Date, db: Database
    ) throws -> UnappliedPayment {
        var current = try requireOpenUnapplied(db, id: id, event: resolution.rawValue)
        try db.execute(
            sql: """
                UPDATE unapplied_payments SET resolution = ?, note = ?, resolved_by = ?, resolved_at = ?
                WHERE id = ? AND resolved_at IS NULL
                """,
            arguments: [resolution.rawValue, note, actor, at.epochMilliseconds, id])
        guard db.changesCount == 1 else { throw StoreError.notFound(entity: "unapplied payment", id: id) }
        try audit(
            AuditEvent(
                at: at, kind: .unappliedResolved, actor: actor, transactionID: current.transactionID,
                amount: current.amount,
                detail: "\(current.provider) reference \(current.providerReference) \(resolution.rawValue): \(note)"),
            db: db)
        current.resolution = resolution
        current.note = note
        current.resolvedBy = actor
        current.resolvedAt = at
        return current
    }

    private static func requireOpenUnapplied(_ db: Database, id: String, event: String) throws -> UnappliedPayment {
        guard let current = try fetchUnapplied(db, id: id) else {
            throw StoreError.notFound(entity: "unapplied payment", id: id)
        }
        do throws(TransitionError) { try current.checkOpen(for: event) } catch { throw StoreError.transition(error) }
        return current
    }

    private static func fetchUnapplied(_ db: Database, id: String) throws -> UnappliedPayment? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM unapplied_payments WHERE id = ?"), arguments: [id]
        ).map(unappliedPayment)
    }

    static func unappliedPayment(_ row: Row) throws -> UnappliedPayment {
        try StoredRows.unappliedPayment(RowReader(row, entity: "unapplied payment"))
    }
}
