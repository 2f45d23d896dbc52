import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore {
    /// One write transaction; SQLite serialises writers, and the conditional update makes the
    /// second of two racing deliveries see the first one's result rather than apply again.
    public func confirmPayment(_ confirmation: PaymentConfirmation) async throws(StoreError) -> PaymentApplication {
        try await write(entity: "transaction") { db in
            try Self.confirm(confirmation, db: db)
        }
    }

    static func confirm(_ confirmation: PaymentConfirmation, db: Database) throws -> PaymentApplication {
        let at = confirmation.at
        func reject(_ rejection: PaymentRejection, amount: Money?) throws -> PaymentApplication {
            try audit(
                AuditEvent(
                    at: at, kind: .paymentRejected, actor: confirmation.actor,
                    transactionID: confirmation.transactionID,
                    amount: amount, detail: "\(rejection) (reference \(confirmation.providerReference))"),
                db: db)
            return .rejected(rejection)
        }
        guard let current = try fetchTransaction(db, id: confirmation.transactionID) else {
            return try reject(.unknownTransaction(id: confirmation.transactionID), amount: confirmation.amount)
        }
        // Money that arrived but cannot be applied is kept for an operator, not only logged.
        func unapplied(_ rejection: PaymentRejection, kind: UnappliedPayment.Kind) throws -> PaymentApplication {
            let recorded = try recordUnapplied(
                confirmation, transaction: current, kind: kind, detail: rejection.description, db: db)
            if recorded, kind == .mismatch, current.status == .pending {
                try holdForReview(current, at: at, detail: rejection.description, db: db)
            }
            return .rejected(rejection)
        }
        // The same payment delivered again (whatever happened to the order since).
        if current.providerReference == confirmation.providerReference, current.provider == confirmation.provider {
            return .alreadyConfirmed(current)
        }
        if current.provider != confirmation.provider {
            return try unapplied(
                .providerMismatch(expected: current.provider, received: confirmation.provider), kind: .mismatch)
        }
        if current.amount != confirmation.amount {
            return try unapplied(
                .amountMismatch(expected: current.amount, received: confirmation.amount), kind: .mismatch)
        }
        if let other = try String.fetchOne(
            db.cachedStatement(
                sql: "SELECT id FROM transactions WHERE provider = ? AND provider_reference = ? AND id <> ?"),
            arguments: [confirmation.provider.rawValue, confirmation.providerReference, current.id])
        {
            return try reject(
                .referenceReused(reference: confirmation.providerReference, otherTransactionID: other),
                amount: confirmation.amount)
        }
        var next: Transaction
        do throws(TransitionError) {
            next = try current.applying(.confirmPayment, at: at)
        } catch  where error.kind == .alreadyApplied {
            return try unapplied(
                .duplicatePayment(existingReference: current.providerReference ?? "-"), kind: .duplicate)
        } catch {
            return try unapplied(.notPayable(error), kind: .unapplied)
        }
        next.providerReference = confirmation.providerReference
        return try applyPaid(
            current: current, next: next, event: .confirmPayment, confirmation: confirmation,
            kind: current.isLatePaymentCandidate ? .latePaymentHonoured : .paymentConfirmed,
            detail:
                "reference \(confirmation.providerReference)\(current.isLatePaymentCandidate ? ", after expiry" : "")",
            db: db)
    }

    /// The paid transaction's consequences, in the caller's database transaction: the conditional
    /// update, the grant started or extended, the unlock job for a CoA router, and the audit.
    static func applyPaid(
        current: Transaction, next: Transaction, event: TransactionStatus.Event, confirmation: PaymentConfirmation,
        kind paidKind: AuditKind, detail paidDetail: String, db: Database
    ) throws -> PaymentApplication {
        let at = confirmation.at
        let late = current.isLatePaymentCandidate
        try conditionalUpdate(current: current, next: next, event: event, db: db)

        guard
            let plan = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM plans WHERE id = ?"), arguments: [current.planID]
            ).map(
                plan)
        else {
            throw StoreError.notFound(entity: "plan", id: current.planID)
        }
        var generator = SystemRandomNumberGenerator()
        let grant: Grant
        let grantKind: AuditKind
        if let existing = try activeGrant(db, mac: current.mac) {
            do throws(TransitionError) { grant = try existing.extended(by: next, plan: plan, now: at) } catch {
                throw StoreError.transition(error)
            }
            try updateGrantAfterExtension(grant, db: db)
            grantKind = .grantExtended
        } else {
            grant = Grant.start(id: EntityID.random(using: &generator), transaction: next, plan: plan, now: at)
            try insert(grant, db: db)
            grantKind = .grantStarted
        }
        try db.cachedStatement(
            sql: "INSERT INTO grant_transactions (grant_id, transaction_id, position) VALUES (?, ?, ?)"
        ).execute(
            arguments: [grant.id, next.id, grant.transactionIDs.count])

        // Every payment gets an unlock job; which one is the domain's rule (UnlockJob.forPayment).
        let router = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT strategy, api_url IS NOT NULL AS has_api FROM routers WHERE id = ?"),
            arguments: [current.routerID])
        var job: UnlockJob?
        if let router {
            let strategy: String = router["strategy"]
            let online =
                try strategy != UnlockStrategy.coa.rawValue && grantKind == .grantExtended
                && (Bool.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT EXISTS (SELECT 1 FROM radius_sessions
                                WHERE mac = ? AND router_id = ? AND stopped_at IS NULL)
                            """),
                    arguments: [current.mac.description, current.routerID]) == true)
            let unlock = UnlockJob.forPayment(
                id: EntityID.random(using: &generator), transaction: next, grant: grant,
                grantStarted: grantKind == .grantStarted, strategy: UnlockStrategy(rawValue: strategy) ?? .login,
                routerHasAPI: router["has_api"], deviceOnline: online, claim: confirmation.claimUnlock, at: at)
            try insert(unlock, db: db)
            job = unlock
        }
        try audit(
            AuditEvent(
                at: at, kind: paidKind, actor: confirmation.actor, transactionID: next.id, amount: next.amount,
                detail: paidDetail),
            db: db)
        try audit(
            AuditEvent(
                at: at, kind: grantKind, actor: "system", transactionID: next.id,
                detail:
                    "grant \(grant.id) for \(grant.mac) until \(grant.validUntil.formatted(.iso8601))"),
            db: db)
        return .applied(transaction: next, grant: grant, unlockJob: job, late: late)
    }

    /// Records money received without access once per provider reference; false when it was
    /// recorded before (a provider delivering the same payment again).
    static func recordUnapplied(
        _ confirmation: PaymentConfirmation, transaction: Transaction, kind: UnappliedPayment.Kind, detail: String,
        db: Database
    ) throws -> Bool {
        var generator = SystemRandomNumberGenerator()
        try db.cachedStatement(
            sql: """
                INSERT INTO unapplied_payments (id, transaction_id, provider, provider_reference, amount_vnd, kind, detail,
                    received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider, provider_reference) DO NOTHING
                """
        ).execute(
            arguments: [
                EntityID.random(using: &generator), transaction.id, confirmation.provider.rawValue,
                confirmation.providerReference, confirmation.amount.dong, kind.rawValue, detail,
                confirmation.at.epochMilliseconds,
            ])
        guard db.changesCount == 1 else { return false }
        try audit(
            AuditEvent(
                at: confirmation.at, kind: kind == .duplicate ? .paymentDuplicate : .paymentUnapplied,
                actor: confirmation.actor, transactionID: transaction.id, amount: confirmation.amount,
                detail:
                    "\(detail); \(confirmation.provider) reference \(confirmation.providerReference), money received without access"
            ),
            db: db)
        return true
    }

    /// pending → needs_review, audited; a no-op when the order moved since it was read.
    static func holdForReview(_ current: Transaction, at: Date, detail: String, db: Database) throws {
        guard let next = try? current.applying(.holdForReview, at: at) else { return }
        do { try conditionalUpdate(current: current, next: next, event: .holdForReview, db: db) } catch StoreError
            .transition
        {
            return
        }
        try audit(
            AuditEvent(
                at: at, kind: .transactionHeldForReview, actor: "system", transactionID: current.id,
                detail: "\(detail): held for an operator, the sweeper leaves it"),
            db: db)
    }
}
