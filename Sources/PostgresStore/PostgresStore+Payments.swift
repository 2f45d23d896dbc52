import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore {
    /// One database transaction. Unlike SQLite's single writer, several nodes confirm at once: the
    /// transaction's row is locked first (a duplicate delivery to another node waits, then sees the
    /// payment applied), then the device (two purchases for one MAC take turns on its grant).
    public func confirmPayment(_ confirmation: PaymentConfirmation) async throws(StoreError) -> PaymentApplication {
        try await write(entity: "transaction") { q in try await Self.confirm(confirmation, q) }
    }

    static func confirm(_ confirmation: PaymentConfirmation, _ q: PostgresQueries) async throws -> PaymentApplication {
        let at = confirmation.at
        func reject(_ rejection: PaymentRejection, amount: Money?) async throws -> PaymentApplication {
            try await audit(
                AuditEvent(
                    at: at, kind: .paymentRejected, actor: confirmation.actor,
                    transactionID: confirmation.transactionID, amount: amount,
                    detail: "\(rejection) (reference \(confirmation.providerReference))"), q)
            return .rejected(rejection)
        }
        guard let current = try await fetchTransaction(q, id: confirmation.transactionID, lock: true) else {
            return try await reject(.unknownTransaction(id: confirmation.transactionID), amount: confirmation.amount)
        }
        // The device's lock, and whether another sale already carries this provider reference,
        // in one round trip.
        let other =
            try await q.scalar(
                """
                SELECT (SELECT id FROM transactions WHERE provider = \(confirmation.provider.rawValue)
                    AND provider_reference = \(confirmation.providerReference) AND id <> \(current.id))
                FROM pg_advisory_xact_lock(hashtextextended(\(current.mac.description), 0))
                """, as: String?.self) ?? nil
        // Money that arrived but cannot be applied is kept for an operator, not only logged.
        func unapplied(_ rejection: PaymentRejection, kind: UnappliedPayment.Kind) async throws -> PaymentApplication {
            let recorded = try await recordUnapplied(
                confirmation, transaction: current, kind: kind, detail: rejection.description, q)
            if recorded, kind == .mismatch, current.status == .pending {
                try await holdForReview(current, at: at, detail: rejection.description, q)
            }
            return .rejected(rejection)
        }
        // The same payment delivered again (whatever happened to the order since).
        if current.providerReference == confirmation.providerReference, current.provider == confirmation.provider {
            return .alreadyConfirmed(current)
        }
        if current.provider != confirmation.provider {
            return try await unapplied(
                .providerMismatch(expected: current.provider, received: confirmation.provider), kind: .mismatch)
        }
        if current.amount != confirmation.amount {
            return try await unapplied(
                .amountMismatch(expected: current.amount, received: confirmation.amount), kind: .mismatch)
        }
        if let other {
            return try await reject(
                .referenceReused(reference: confirmation.providerReference, otherTransactionID: other),
                amount: confirmation.amount)
        }
        var next: Transaction
        do throws(TransitionError) {
            next = try current.applying(.confirmPayment, at: at)
        } catch  where error.kind == .alreadyApplied {
            return try await unapplied(
                .duplicatePayment(existingReference: current.providerReference ?? "-"), kind: .duplicate)
        } catch {
            return try await unapplied(.notPayable(error), kind: .unapplied)
        }
        next.providerReference = confirmation.providerReference
        return try await applyPaid(
            current: current, next: next, event: .confirmPayment, confirmation: confirmation,
            kind: current.isLatePaymentCandidate ? .latePaymentHonoured : .paymentConfirmed,
            detail:
                "reference \(confirmation.providerReference)\(current.isLatePaymentCandidate ? ", after expiry" : "")",
            q)
    }

    /// Serialises the grant changes of one device across nodes until the transaction ends.
    static func lockDevice(_ mac: MACAddress, _ q: PostgresQueries) async throws {
        try await q.execute("SELECT pg_advisory_xact_lock(hashtextextended(\(mac.description), 0))")
    }

    /// The paid transaction's consequences, in the caller's database transaction: the conditional
    /// update, the grant started or extended, the unlock job, and the audit (as on SQLite).
    static func applyPaid(
        current: Transaction, next: Transaction, event: TransactionStatus.Event, confirmation: PaymentConfirmation,
        kind paidKind: AuditKind, detail paidDetail: String, _ q: PostgresQueries
    ) async throws -> PaymentApplication {
        let at = confirmation.at
        let late = current.isLatePaymentCandidate
        try await conditionalUpdate(current: current, next: next, event: event, q)
        // The plan and the router in one round trip (a router removed since leaves no job).
        guard
            let setting = try await q.row(
                """
                SELECT p.*, r.strategy AS router_strategy, r.api_url IS NOT NULL AS router_has_api
                FROM plans p LEFT JOIN routers r ON r.id = \(current.routerID) WHERE p.id = \(current.planID)
                """)
        else {
            throw StoreError.notFound(entity: "plan", id: current.planID)
        }
        let plan = try Self.plan(setting)
        var generator = SystemRandomNumberGenerator()
        let grant: Grant
        let grantKind: AuditKind
        if let existing = try await activeGrant(q, mac: current.mac) {
            do throws(TransitionError) { grant = try existing.extended(by: next, plan: plan, now: at) } catch {
                throw StoreError.transition(error)
            }
            try await updateGrantAfterExtension(grant, paidBy: next.id, q)
            grantKind = .grantExtended
        } else {
            grant = Grant.start(id: EntityID.random(using: &generator), transaction: next, plan: plan, now: at)
            try await insert(grant, paidBy: next.id, q)
            grantKind = .grantStarted
        }
        // Every payment gets an unlock job (see the SQLite store for why each kind is chosen).
        var job: UnlockJob?
        if let strategy = try setting["router_strategy"].decode(String?.self) {
            let hasAPI = try setting["router_has_api"].decode(Bool.self)
            let online =
                strategy != UnlockStrategy.coa.rawValue && grantKind == .grantExtended
                ? try await q.scalar(
                    """
                    SELECT EXISTS (SELECT 1 FROM radius_sessions
                        WHERE mac = \(current.mac.description) AND router_id = \(current.routerID)
                            AND stopped_at IS NULL)
                    """, as: Bool.self) ?? false : false
            let unlock = UnlockJob.forPayment(
                id: EntityID.random(using: &generator), transaction: next, grant: grant,
                grantStarted: grantKind == .grantStarted, strategy: UnlockStrategy(rawValue: strategy) ?? .login,
                routerHasAPI: hasAPI, deviceOnline: online, claim: confirmation.claimUnlock, at: at)
            try await insert(unlock, q)
            job = unlock
        }
        try await audit(
            AuditEvent(
                at: at, kind: paidKind, actor: confirmation.actor, transactionID: next.id, amount: next.amount,
                detail: paidDetail),
            AuditEvent(
                at: at, kind: grantKind, actor: "system", transactionID: next.id,
                detail: "grant \(grant.id) for \(grant.mac) until \(grant.validUntil.formatted(.iso8601))"), q)
        return .applied(transaction: next, grant: grant, unlockJob: job, late: late)
    }

    /// Records money received without access once per provider reference; false when it was
    /// recorded before (a provider delivering the same payment again).
    static func recordUnapplied(
        _ confirmation: PaymentConfirmation, transaction: Transaction, kind: UnappliedPayment.Kind, detail: String,
        _ q: PostgresQueries
    ) async throws -> Bool {
        var generator = SystemRandomNumberGenerator()
        let inserted = try await q.changed(
            """
            INSERT INTO unapplied_payments (id, transaction_id, provider, provider_reference, amount_vnd, kind, detail,
                received_at)
            VALUES (\(EntityID.random(using: &generator)), \(transaction.id), \(confirmation.provider.rawValue),
                \(confirmation.providerReference), \(confirmation.amount.dong), \(kind.rawValue), \(detail),
                \(confirmation.at.epochMilliseconds))
            ON CONFLICT (provider, provider_reference) DO NOTHING RETURNING id
            """)
        guard inserted == 1 else { return false }
        try await audit(
            AuditEvent(
                at: confirmation.at, kind: kind == .duplicate ? .paymentDuplicate : .paymentUnapplied,
                actor: confirmation.actor, transactionID: transaction.id, amount: confirmation.amount,
                detail:
                    "\(detail); \(confirmation.provider) reference \(confirmation.providerReference), money received without access"
            ), q)
        return true
    }

    /// pending → needs_review, audited; a no-op when the order moved since it was read.
    static func holdForReview(_ current: Transaction, at: Date, detail: String, _ q: PostgresQueries) async throws {
        guard let next = try? current.applying(.holdForReview, at: at) else { return }
        do { try await conditionalUpdate(current: current, next: next, event: .holdForReview, q) } catch StoreError
            .transition
        {
            return
        }
        try await audit(
            AuditEvent(
                at: at, kind: .transactionHeldForReview, actor: "system", transactionID: current.id,
                detail: "\(detail): held for an operator, the sweeper leaves it"), q)
    }
}
