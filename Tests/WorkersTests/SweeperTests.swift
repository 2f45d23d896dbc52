import Foundation
import HotspotPayCore
import Logging
import Payments
import Store
import Synchronization
import TestSupport
import Testing
import Workers

struct SweeperTests {
    let directory: URL
    let store: SQLiteStore
    let sandbox = SandboxProvider(secret: Secret("sandbox-secret"), walletBaseURL: "http://portal/sandbox/wallet")
    let rings = RingCounter()

    init() async throws {
        directory = try Fixtures.temporaryDirectory("sweeper")
        store = try SQLiteStore(
            path: directory.appendingPathComponent("sweep.sqlite").path,
            cipher: SecretCipher(key: try SecretKey(bytes: Array(repeating: 4, count: 32))))
        try await store.addPlan(Fixtures.plan(), actor: "test")
        try await store.addRouter(Fixtures.router(), actor: "test")
    }

    func sweeper(_ store: SQLiteStore? = nil) -> Sweeper {
        Sweeper(
            store: store ?? self.store, providers: PaymentProviders([sandbox]), logger: Logger(label: "sweeper-test"),
            unlocks: rings)
    }

    /// A pending sandbox transaction whose 15-minute window closed a minute ago.
    func overdue(mac: MACAddress = Fixtures.mac) async throws -> Transaction {
        let transaction = Fixtures.transaction(mac: mac, now: Date().addingTimeInterval(-960))
        try await store.insertTransaction(transaction, actor: "test")
        return transaction
    }

    @Test func aPaymentWhoseCallbackWasLostIsConfirmedByTheQueryNotExpired() async throws {
        let transaction = try await overdue()
        // The guest paid in the wallet; the callback never arrived.
        _ = await sandbox.walletCallback(for: transaction, pay: true)
        let report = try await sweeper().sweep()
        #expect(report.paidOnQuery == 1 && report.expired == 0)
        #expect(try await store.transaction(id: transaction.id)?.status == .paid)
        #expect(try await store.unlockJobs(transactionID: transaction.id).count == 1)
        #expect(rings.count.withLock { $0 } == 1)
    }

    @Test func ordersTheProviderCallsPaidWithAnotherAmountAreHeldForReviewNotReQueriedForever() async throws {
        for index in 0..<3 {
            let transaction = try await overdue(mac: try MACAddress("AA:BB:CC:DD:EE:1\(index)"))
            // The provider saw another amount paid: the store refuses to apply it.
            var other = transaction
            other.amount = Money(dong: transaction.amount.dong + 1_000)
            _ = await sandbox.walletCallback(for: other, pay: true)
        }
        var settings = Sweeper.Settings()
        settings.batch = 2
        let sweeper = Sweeper(
            store: store, providers: PaymentProviders([sandbox]), settings: settings,
            logger: Logger(label: "sweeper-test"))
        let finished = Mutex(false)
        let sweep = Task {
            let report = try await sweeper.sweep()
            finished.withLock { $0 = true }
            return report
        }
        // A hang detector, not a timing: generous, as the whole suite shares two cores.
        let deadline = Date().addingTimeInterval(60)
        while !finished.withLock({ $0 }), Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        guard finished.withLock({ $0 }) else {
            Issue.record("the sweep kept re-reading the same batch")
            return
        }
        let report = try await sweep.value
        // None was expired over a paid order: each is held for an operator, its money listed.
        #expect(report.paidOnQuery == 0 && report.expired == 0 && report.heldForReview == 3, "\(report)")
        #expect(try await store.pendingTransactions(expiredAt: Date(), limit: 10).isEmpty)
        let listed = try await store.unappliedPayments(open: true, limit: 10)
        #expect(listed.count == 3 && listed.allSatisfy { $0.kind == .mismatch && $0.amount == Money(dong: 11_000) })
        for money in listed {
            #expect(try await store.transaction(id: money.transactionID)?.status == .needsReview)
        }
        // The next sweep has nothing left to ask the provider about.
        #expect(try await sweeper.sweep() == Sweeper.Report())
    }

    @Test func anUnpaidTransactionExpiresOnceEvenWithTwoSweepersAtOnce() async throws {
        let transaction = try await overdue()
        let fresh = Fixtures.transaction(mac: try MACAddress("AA:BB:CC:DD:EE:09"))
        try await store.insertTransaction(fresh, actor: "test")
        let other = try SQLiteStore(
            path: directory.appendingPathComponent("sweep.sqlite").path,
            cipher: SecretCipher(key: try SecretKey(bytes: Array(repeating: 4, count: 32))))
        async let first = sweeper().sweep()
        async let second = sweeper(other).sweep()
        let reports = try await [first, second]
        #expect(reports.map(\.expired).reduce(0, +) == 1)
        #expect(try await store.transaction(id: transaction.id)?.status == .expired)
        #expect(try await store.transaction(id: fresh.id)?.status == .pending)  // its window is still open
        let audit = try await store.auditEvents(transactionID: transaction.id)
        #expect(audit.filter { $0.kind == .transactionExpired }.count == 1)
        #expect(audit.last?.detail.contains("provider has no such order") == true)
        #expect(try await sweeper().sweep() == Sweeper.Report())
    }

    @Test func aPaymentDeclinedAtTheProviderEndsAsFailed() async throws {
        let transaction = try await overdue()
        _ = await sandbox.walletCallback(for: transaction, pay: false)
        #expect(try await sweeper().sweep().failed == 1)
        #expect(try await store.transaction(id: transaction.id)?.status == .failed)
    }

    @Test func aGrantPastItsEndIsEndedAndItsOpenSessionsDisconnected() async throws {
        let transaction = Fixtures.transaction(now: Date().addingTimeInterval(-7300))
        try await store.insertTransaction(transaction, actor: "test")
        _ = try await store.confirmPayment(
            PaymentConfirmation(
                transactionID: transaction.id, provider: .sandbox, providerReference: "SBX-old",
                amount: transaction.amount, at: Date().addingTimeInterval(-7200), actor: "test"))
        try await store.recordSession(
            RadiusSession(
                routerID: "cafe", acctSessionID: "s1", mac: Fixtures.mac, userName: Fixtures.mac.description,
                framedIP: nil, startedAt: Date().addingTimeInterval(-7000), updatedAt: Date().addingTimeInterval(-60)))
        let report = try await sweeper().sweep()
        #expect(report.grantsEnded == 1 && report.disconnectsQueued == 1)
        #expect(try await store.activeGrant(mac: Fixtures.mac) == nil)
        let jobs = try await store.unlockJobs(transactionID: transaction.id)
        // The purchase's unlock (a new pass on a coa router: a Disconnect), then the one that ends it.
        #expect(jobs.map(\.action) == [.disconnect, .disconnect])
        #expect(try await sweeper().sweep().grantsEnded == 0)
    }
}

/// Counts what the unlock worker would have been told.
final class RingCounter: UnlockDispatch {
    let count = Mutex(0)
    var sendsClaimedJobs: Bool { false }
    func queued() { count.withLock { $0 += 1 } }
    func sendNow(_ job: UnlockJob, grant: Grant?, transaction: Transaction?) {}
}
