import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: UnappliedPaymentStore {
    public func unappliedPayments(open: Bool, limit: Int) async throws(StoreError) -> [UnappliedPayment] {
        try await read(entity: "unappliedpayments") { q in
            try await q.rows(
                """
                SELECT * FROM unapplied_payments WHERE resolved_at IS NULL OR NOT \(open)
                ORDER BY received_at DESC LIMIT \(limit)
                """
            ).map(Self.unappliedPayment)
        }
    }

    public func unappliedPayment(id: String) async throws(StoreError) -> UnappliedPayment? {
        try await read(entity: "unappliedpayments") { q in try await Self.fetchUnapplied(q, id: id) }
    }

    public func markUnappliedRefundRequested(id: String, at: Date?, actor: String) async throws(StoreError)
        -> UnappliedPayment
    {
        try await write(entity: "unapplied payment") { q in
            guard var current = try await Self.fetchUnapplied(q, id: id, lock: true) else {
                throw StoreError.notFound(entity: "unapplied payment", id: id)
            }
            do throws(TransitionError) { try current.checkRefundCanBeSent(at: at) } catch {
                throw StoreError.transition(error)
            }
            try await q.execute(
                "UPDATE unapplied_payments SET refund_requested_at = \(at?.epochMilliseconds) WHERE id = \(id)")
            current.refundRequestedAt = at
            return current
        }
    }

    public func resolveUnappliedPayment(
        id: String, resolution: UnappliedPayment.Resolution, note: String, actor: String, at: Date
    ) async throws(StoreError) -> UnappliedPayment {
        try await write(entity: "unapplied payment") { q in
            try await Self.resolve(id: id, resolution: resolution, note: note, actor: actor, at: at, q)
        }
    }

    public func grantUnappliedPayment(id: String, note: String, actor: String, at: Date) async throws(StoreError)
        -> PaymentApplication
    {
        try await write(entity: "unapplied payment") { q in
            let money = try await Self.requireOpenUnapplied(q, id: id, event: "grant")
            guard let current = try await Self.fetchTransaction(q, id: money.transactionID, lock: true) else {
                throw StoreError.notFound(entity: "transaction", id: money.transactionID)
            }
            try await Self.lockDevice(current.mac, q)
            var next: Transaction
            do throws(TransitionError) { next = try current.applying(.acceptReviewed, at: at) } catch {
                throw StoreError.transition(error)
            }
            next.providerReference = money.providerReference
            var confirmation = PaymentConfirmation(
                transactionID: current.id, provider: money.provider, providerReference: money.providerReference,
                amount: money.amount, at: at, actor: actor)
            confirmation.claimUnlock = false
            let applied = try await Self.applyPaid(
                current: current, next: next, event: .acceptReviewed, confirmation: confirmation,
                kind: .paymentConfirmed,
                detail: "granted by \(actor) from money received without access (\(money.provider) reference "
                    + "\(money.providerReference), \(money.amount.dong) VND): \(note)", q)
            _ = try await Self.resolve(id: id, resolution: .granted, note: note, actor: actor, at: at, q)
            return applied
        }
    }

    private static func resolve(
        id: String, resolution: UnappliedPayment.Resolution, note: String, actor: String, at: Date,
        _ q: PostgresQueries
    ) async throws -> UnappliedPayment {
        var current = try await requireOpenUnapplied(q, id: id, event: resolution.rawValue)
        let changed = try await q.changed(
            """
            UPDATE unapplied_payments SET resolution = \(resolution.rawValue), note = \(note), resolved_by = \(actor),
                resolved_at = \(at.epochMilliseconds)
            WHERE id = \(id) AND resolved_at IS NULL RETURNING id
            """)
        guard changed == 1 else { throw StoreError.notFound(entity: "unapplied payment", id: id) }
        try await audit(
            AuditEvent(
                at: at, kind: .unappliedResolved, actor: actor, transactionID: current.transactionID,
                amount: current.amount,
                detail: "\(current.provider) reference \(current.providerReference) \(resolution.rawValue): \(note)"), q
        )
        current.resolution = resolution
        current.note = note
        current.resolvedBy = actor
        current.resolvedAt = at
        return current
    }

    private static func requireOpenUnapplied(_ q: PostgresQueries, id: String, event: String) async throws
        -> UnappliedPayment
    {
        guard let current = try await fetchUnapplied(q, id: id, lock: true) else {
            throw StoreError.notFound(entity: "unapplied payment", id: id)
        }
        do throws(TransitionError) { try current.checkOpen(for: event) } catch { throw StoreError.transition(error) }
        return current
    }

    private static func fetchUnapplied(_ q: PostgresQueries, id: String, lock: Bool = false) async throws
        -> UnappliedPayment?
    {
        let row =
            lock
            ? try await q.row("SELECT * FROM unapplied_payments WHERE id = \(id) FOR UPDATE")
            : try await q.row("SELECT * FROM unapplied_payments WHERE id = \(id)")
        return try row.map { try StoredRows.unappliedPayment(PostgresColumns($0, entity: "unapplied payment")) }
    }

    static func unappliedPayment(_ row: PostgresRandomAccessRow) throws -> UnappliedPayment {
        try StoredRows.unappliedPayment(PostgresColumns(row, entity: "unapplied payment"))
    }
}
