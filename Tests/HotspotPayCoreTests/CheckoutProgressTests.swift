import Foundation
import HotspotPayCore
import TestSupport
import Testing

@Suite struct CheckoutProgressTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func paid() -> Transaction {
        var transaction = Fixtures.transaction(now: now.addingTimeInterval(-120))
        transaction.status = .paid
        transaction.paidAt = now.addingTimeInterval(-60)
        return transaction
    }

    func grant(for transaction: Transaction, until: Date? = nil, data: Int64? = nil) -> Grant {
        Grant(
            id: "g1", mac: transaction.mac, status: .active, startsAt: transaction.paidAt!,
            validUntil: until ?? now.addingTimeInterval(3000), rateLimit: nil, dataRemainingBytes: data,
            transactionIDs: [transaction.id], createdAt: transaction.paidAt!, updatedAt: transaction.paidAt!)
    }

    func job(_ status: UnlockJobStatus, for transaction: Transaction) -> UnlockJob {
        UnlockJob(
            id: "j1", transactionID: transaction.id, grantID: "g1", routerID: transaction.routerID,
            mac: transaction.mac,
            action: .coa, status: status, nextAttemptAt: now, createdAt: now, updatedAt: now)
    }

    func session(startedAt: Date, for transaction: Transaction) -> RadiusSession {
        RadiusSession(
            routerID: transaction.routerID, acctSessionID: "81000001", mac: transaction.mac,
            userName: transaction.mac.description, framedIP: nil, startedAt: startedAt, updatedAt: startedAt)
    }

    @Test func aPendingTransactionAwaitsPaymentAndClosedOnesSayWhy() {
        var transaction = Fixtures.transaction(now: now)
        #expect(
            CheckoutProgress.of(transaction, grant: nil, unlockJobs: [], sessions: [], now: now) == .awaitingPayment)
        for (status, reason) in [
            (TransactionStatus.expired, CheckoutProgress.ClosedReason.expired), (.failed, .failed),
            (.cancelled, .cancelled), (.refunded, .refunded),
        ] {
            transaction.status = status
            #expect(
                CheckoutProgress.of(transaction, grant: nil, unlockJobs: [], sessions: [], now: now) == .closed(reason))
        }
    }

    @Test func paidIsOnlyOnlineOnceTheRoutersStateConfirmsItOrReportsANewSession() {
        let transaction = paid()
        let grant = grant(for: transaction)
        #expect(
            CheckoutProgress.of(
                transaction, grant: grant, unlockJobs: [job(.sent, for: transaction)], sessions: [], now: now)
                == .paid(unlockTrouble: false))
        #expect(
            CheckoutProgress.of(
                transaction, grant: grant, unlockJobs: [job(.acked, for: transaction)], sessions: [], now: now)
                == .online)
        // The router acknowledged a Disconnect: the old session is gone, the device not yet back.
        #expect(
            CheckoutProgress.of(
                transaction, grant: grant, unlockJobs: [job(.confirming, for: transaction)], sessions: [], now: now)
                == .paid(unlockTrouble: false))
        // A session from before the payment proves nothing; one that began after it does.
        let before = session(startedAt: now.addingTimeInterval(-600), for: transaction)
        let after = session(startedAt: now.addingTimeInterval(-30), for: transaction)
        #expect(CheckoutProgress.of(transaction, grant: grant, unlockJobs: [], sessions: [before], now: now) != .online)
        #expect(CheckoutProgress.of(transaction, grant: grant, unlockJobs: [], sessions: [after], now: now) == .online)
    }

    @Test func aRefusedOrAbandonedUnlockIsTrouble() {
        let transaction = paid()
        for status in [UnlockJobStatus.nak, .failed, .unconfirmed] {
            #expect(
                CheckoutProgress.of(
                    transaction, grant: grant(for: transaction), unlockJobs: [job(status, for: transaction)],
                    sessions: [],
                    now: now) == .paid(unlockTrouble: true))
        }
    }

    @Test func aPaidPurchaseWhoseGrantRanOutIsUsedUp() {
        let transaction = paid()
        #expect(
            CheckoutProgress.of(transaction, grant: nil, unlockJobs: [], sessions: [], now: now) == .closed(.usedUp))
        let expired = grant(for: transaction, until: now.addingTimeInterval(-1))
        #expect(
            CheckoutProgress.of(transaction, grant: expired, unlockJobs: [], sessions: [], now: now) == .closed(.usedUp)
        )
        let noData = grant(for: transaction, data: 0)
        #expect(
            CheckoutProgress.of(transaction, grant: noData, unlockJobs: [], sessions: [], now: now) == .closed(.usedUp))
    }
}
