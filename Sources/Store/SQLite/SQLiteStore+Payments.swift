import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore {
    /// One write transaction; SQLite serialises writers, and the conditional update makes the
    /// second of two racing deliveries see the first one's result rather than apply again.
    public func confirmPayment(_ confirmation: PaymentConfirmation) async throws -> PaymentApplication {
        try await write(entity: "transaction") { db in
            try Self.confirm(confirmation, db: db)
        }
    }

    private static func confirm(_ confirmation: PaymentConfirmation, db: Database) throws -> PaymentApplication {
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
        if current.provider != confirmation.provider {
            return try reject(
                .providerMismatch(expected: current.provider, received: confirmation.provider),
                amount: confirmation.amount)
        }
        if current.amount != confirmation.amount {
            return try reject(
                .amountMismatch(expected: current.amount, received: confirmation.amount), amount: confirmation.amount)
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
            return .alreadyConfirmed(current)
        } catch {
            return try reject(.notPayable(error), amount: confirmation.amount)
        }
        next.providerReference = confirmation.providerReference
        let late = current.isLatePaymentCandidate
        try conditionalUpdate(current: current, next: next, event: .confirmPayment, db: db)

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

        // Only CoA routers need a message; `login` routers are unlocked by the browser's login.
        let strategy = try String.fetchOne(
            db.cachedStatement(sql: "SELECT strategy FROM routers WHERE id = ?"), arguments: [current.routerID])
        var job: UnlockJob?
        if strategy == UnlockStrategy.coa.rawValue {
            let unlock = UnlockJob(
                id: EntityID.random(using: &generator), transactionID: next.id, grantID: grant.id,
                routerID: current.routerID, mac: current.mac, action: .coa,
                status: confirmation.claimUnlock ? .sent : .queued, attempts: confirmation.claimUnlock ? 1 : 0,
                nextAttemptAt: at, createdAt: at, updatedAt: at)
            try insert(unlock, db: db)
            job = unlock
        }
        try audit(
            AuditEvent(
                at: at, kind: late ? .latePaymentHonoured : .paymentConfirmed, actor: confirmation.actor,
                transactionID: next.id, amount: next.amount,
                detail: "reference \(confirmation.providerReference)\(late ? ", after expiry" : "")"),
            db: db)
        try audit(
            AuditEvent(
                at: at, kind: grantKind, actor: "system", transactionID: next.id,
                detail:
                    "grant \(grant.id) for \(grant.mac) until \(grant.validUntil.formatted(.iso8601))"),
            db: db)
        return .applied(transaction: next, grant: grant, unlockJob: job, late: late)
    }
}
