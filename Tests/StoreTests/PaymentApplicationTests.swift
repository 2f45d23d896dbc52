import Foundation
import GRDB
import HotspotPayCore
import Store
import TestSupport
import Testing

@Suite struct PaymentApplicationTests {
    @Test(arguments: StoreBackend.allCases) func aConfirmedPaymentPaysStartsAGrantQueuesACoAAndAudits(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let transaction = try await harness.newPending()
        let result = try await harness.store.confirmPayment(harness.confirmation(transaction))
        guard case .applied(let paid, let grant, let job, let late) = result else {
            Issue.record("expected applied, got \(result)")
            return
        }
        #expect(paid.status == .paid && !late)
        #expect(paid.providerReference == "MOMO-1")
        #expect(grant.mac == Fixtures.mac && grant.transactionIDs == [transaction.id])
        #expect(job?.action == .disconnect && job?.status == .queued && job?.routerID == "cafe")
        #expect(try await harness.store.activeGrant(mac: Fixtures.mac)?.id == grant.id)
        #expect(try await harness.store.dueUnlockJobs(at: Date(), limit: 10).map(\.id) == [job?.id])
        #expect(
            try await harness.store.auditEvents(transactionID: transaction.id).map(\.kind)
                == [.transactionCreated, .paymentConfirmed, .grantStarted])
    }

    @Test func everyPurchaseInAGrantKeepsItsLoginSecret() async throws {
        let harness = try await StoreHarness()
        let first = try await harness.newPending()
        guard case .applied(_, let grant, _, _) = try await harness.store.confirmPayment(harness.confirmation(first))
        else {
            Issue.record("first purchase not applied")
            return
        }
        let second = try await harness.newPending()
        _ = try await harness.store.confirmPayment(harness.confirmation(second, reference: "MOMO-2"))
        #expect(try await harness.store.transaction(id: first.id)?.loginSecret == first.loginSecret)
        let secrets = try harness.store.loginSecretsForAccess(grantID: grant.id)
        #expect(secrets == [first.loginSecret, second.loginSecret].compactMap { $0 })
        #expect(try harness.store.loginSecretsForAccess(grantID: "no-such-grant").isEmpty)
    }

    @Test(arguments: StoreBackend.allCases) func aDuplicateDeliveryChangesNothingAndSaysAlreadyConfirmed(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let transaction = try await harness.newPending()
        _ = try await harness.store.confirmPayment(harness.confirmation(transaction))
        let again = try await harness.store.confirmPayment(harness.confirmation(transaction))
        guard case .alreadyConfirmed = again else {
            Issue.record("expected alreadyConfirmed, got \(again)")
            return
        }
        #expect(try await harness.store.unlockJobs(transactionID: transaction.id).count == 1)
    }

    @Test(arguments: StoreBackend.allCases) func fiftyConcurrentDeliveriesFromTwoNodesMakeOneGrantAndOneUnlock(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let transaction = try await harness.newPending()
        let other = try harness.node()
        let confirmation = harness.confirmation(transaction)
        let outcomes = try await withThrowingTaskGroup(of: PaymentApplication.self) { group in
            for index in 0..<50 {
                let store = index.isMultiple(of: 2) ? harness.store : other
                group.addTask { try await store.confirmPayment(confirmation) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let applied = outcomes.filter { if case .applied = $0 { true } else { false } }
        #expect(applied.count == 1)
        #expect(outcomes.count == 50)
        #expect(try await harness.count("grants") == 1)
        #expect(try await harness.count("unlock_jobs") == 1)
    }

    /// Ten purchases for one device confirmed on two nodes at once: one grant carries all ten
    /// hours (on PostgreSQL the device's lock makes them take turns; without it two nodes would
    /// both start a grant and one would fail on the one-active-grant index).
    @Test(arguments: StoreBackend.allCases)
    func purchasesForOneDeviceOnTwoNodesAtOnceShareOneGrant(_ backend: StoreBackend) async throws {
        let harness = try await BackendHarness(backend)
        let other = try harness.node()
        var transactions: [Transaction] = []
        for _ in 0..<10 { transactions.append(try await harness.newPending()) }
        let start = Date()
        let outcomes = try await withThrowingTaskGroup(of: PaymentApplication.self) { group in
            for (index, transaction) in transactions.enumerated() {
                let store = index.isMultiple(of: 2) ? harness.store : other
                let confirmation = harness.confirmation(transaction, reference: "REF-\(index)", at: start)
                group.addTask { try await store.confirmPayment(confirmation) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.allSatisfy { if case .applied = $0 { true } else { false } }, "\(outcomes)")
        let grant = try #require(try await harness.store.activeGrant(mac: Fixtures.mac))
        #expect(Set(grant.transactionIDs) == Set(transactions.map(\.id)))
        #expect(grant.validUntil.timeIntervalSince(start) >= 10 * 3600 - 1)
        #expect(try await harness.count("grants") == 1)
        #expect(try await harness.count("unlock_jobs") == 10)
    }

    @Test(arguments: StoreBackend.allCases) func aWrongAmountIsRejectedAndAuditedAndGrantsNothing(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let transaction = try await harness.newPending()
        let result = try await harness.store.confirmPayment(
            harness.confirmation(transaction, amount: Money(dong: 1000)))
        #expect(result == .rejected(.amountMismatch(expected: Money(dong: 10_000), received: Money(dong: 1000))))
        // The money is listed and the order waits for an operator instead of expiring.
        #expect(try await harness.store.transaction(id: transaction.id)?.status == .needsReview)
        #expect(try await harness.store.activeGrant(mac: Fixtures.mac) == nil)
        let kinds = try await harness.store.auditEvents(transactionID: transaction.id).map(\.kind)
        #expect(kinds.suffix(2) == [.paymentUnapplied, .transactionHeldForReview], "\(kinds)")
        let listed = try await harness.store.unappliedPayments(open: true, limit: 10)
        #expect(listed.map(\.kind) == [.mismatch] && listed.first?.amount == Money(dong: 1000))
    }

    @Test(arguments: StoreBackend.allCases) func anUnknownTransactionOrAnotherProviderIsRejected(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let transaction = try await harness.newPending()
        var confirmation = harness.confirmation(transaction)
        confirmation.provider = .vnpay
        #expect(
            try await harness.store.confirmPayment(confirmation)
                == .rejected(.providerMismatch(expected: .sandbox, received: .vnpay)))
        confirmation = harness.confirmation(transaction)
        confirmation.transactionID = "missing"
        #expect(try await harness.store.confirmPayment(confirmation) == .rejected(.unknownTransaction(id: "missing")))
    }

    @Test(arguments: StoreBackend.allCases) func oneProviderPaymentCannotPayTwoTransactions(_ backend: StoreBackend)
        async throws
    {
        let harness = try await BackendHarness(backend)
        let first = try await harness.newPending()
        let second = try await harness.newPending(mac: MACAddress(octets: [2, 0, 0, 0, 0, 9]))
        _ = try await harness.store.confirmPayment(harness.confirmation(first, reference: "SAME"))
        let result = try await harness.store.confirmPayment(harness.confirmation(second, reference: "SAME"))
        #expect(result == .rejected(.referenceReused(reference: "SAME", otherTransactionID: first.id)))
    }

    @Test(arguments: StoreBackend.allCases) func aLateSuccessForAnExpiredTransactionIsHonouredAndMarkedLate(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let transaction = try await harness.newPending()
        _ = try await harness.store.apply(
            .expire, toTransaction: transaction.id, at: Date(), actor: "sweeper", detail: "")
        let result = try await harness.store.confirmPayment(harness.confirmation(transaction))
        guard case .applied(_, _, _, let late) = result else {
            Issue.record("expected applied, got \(result)")
            return
        }
        #expect(late)
        #expect(
            try await harness.store.auditEvents(transactionID: transaction.id).map(\.kind).contains(
                .latePaymentHonoured))
    }

    @Test(arguments: StoreBackend.allCases) func aCancelledTransactionCannotBecomePaid(_ backend: StoreBackend)
        async throws
    {
        let harness = try await BackendHarness(backend)
        let transaction = try await harness.newPending()
        _ = try await harness.store.apply(
            .cancel, toTransaction: transaction.id, at: Date(), actor: "guest", detail: "")
        guard case .rejected(.notPayable) = try await harness.store.confirmPayment(harness.confirmation(transaction))
        else {
            Issue.record("a cancelled transaction must not be paid")
            return
        }
    }

    @Test(arguments: StoreBackend.allCases) func buyingAgainExtendsTheActiveGrant(_ backend: StoreBackend) async throws
    {
        let harness = try await BackendHarness(backend)
        let first = try await harness.newPending()
        guard
            case .applied(_, let grant, _, _) = try await harness.store.confirmPayment(
                harness.confirmation(first, reference: "A"))
        else {
            Issue.record("first payment not applied")
            return
        }
        let second = try await harness.newPending()
        guard
            case .applied(_, let extended, _, _) = try await harness.store.confirmPayment(
                harness.confirmation(second, reference: "B"))
        else {
            Issue.record("second payment not applied")
            return
        }
        #expect(extended.id == grant.id)
        #expect(extended.transactionIDs == [first.id, second.id])
        #expect(extended.validUntil.timeIntervalSince(grant.validUntil) > 3599)
        #expect(try await harness.store.grant(id: grant.id)?.transactionIDs == [first.id, second.id])
    }

    @Test(arguments: StoreBackend.allCases)
    func aLoginRoutersJobWaitsForTheBrowserAndItsAccountingStartSaysHowTheDeviceCameOnline(_ backend: StoreBackend)
        async throws
    {
        let harness = try await BackendHarness(backend, strategy: .login)
        let transaction = try await harness.newPending()
        let paidAt = Date()
        var confirmation = harness.confirmation(transaction)
        confirmation.at = paidAt
        // Even when the worker could take it at once: the browser gets its chance first.
        confirmation.claimUnlock = true
        guard case .applied(_, _, let job?, _) = try await harness.store.confirmPayment(confirmation) else {
            Issue.record("not applied, or no unlock job")
            return
        }
        // Without the REST API the job waits for the router's MAC-auth retry, then reports the device stuck.
        #expect(job.action == .login && job.status == .queued && job.attempts == 0)
        #expect(job.nextAttemptAt == paidAt.addingTimeInterval(UnlockJob.macRetryWindowSeconds))
        #expect(try await harness.store.dueUnlockJobs(at: paidAt.addingTimeInterval(60), limit: 10).isEmpty)
        // The browser logged in: its Accounting-Start settles the job and names the path.
        var session = RadiusSession(
            routerID: job.routerID, acctSessionID: "81a00001", mac: job.mac, userName: job.mac.description,
            framedIP: try IPAddress("10.5.50.7"), startedAt: paidAt.addingTimeInterval(2),
            updatedAt: paidAt.addingTimeInterval(2))
        session.authenticatedBy = .browser
        try await harness.store.recordSession(session)
        let settled = try #require(try await harness.store.unlockJobs(transactionID: transaction.id).first)
        #expect(settled.status == .acked && settled.unlockedBy == .browser)
    }

    @Test(arguments: StoreBackend.allCases) func unlockJobsMoveThroughTheirStatesAndCountAttempts(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let transaction = try await harness.newPending()
        guard
            case .applied(_, _, let job?, _) = try await harness.store.confirmPayment(harness.confirmation(transaction))
        else {
            Issue.record("no job")
            return
        }
        let sent = try await harness.store.apply(.send, toUnlockJob: job.id, at: Date(), nextAttemptAt: nil, error: nil)
        #expect(sent.status == .sent && sent.attempts == 1)
        let later = Date().addingTimeInterval(30)
        let retry = try await harness.store.apply(
            .retry, toUnlockJob: job.id, at: Date(), nextAttemptAt: later, error: "timeout")
        #expect(retry.status == .queued && retry.lastError == "timeout")
        #expect(try await harness.store.dueUnlockJobs(at: Date(), limit: 10).isEmpty)
        #expect(try await harness.store.dueUnlockJobs(at: later, limit: 10).count == 1)
        await #expect(throws: StoreError.self) {
            try await harness.store.apply(.reject, toUnlockJob: job.id, at: Date(), nextAttemptAt: nil, error: nil)
        }
    }

    @Test(arguments: StoreBackend.allCases) func grantsPastTheirEndAreFoundAndEndedOnce(_ backend: StoreBackend)
        async throws
    {
        let harness = try await BackendHarness(backend)
        let transaction = try await harness.newPending()
        let paidAt = Date().addingTimeInterval(-7200)
        guard
            case .applied(_, let grant, _, _) = try await harness.store.confirmPayment(
                harness.confirmation(transaction, at: paidAt))
        else {
            Issue.record("not applied")
            return
        }
        #expect(try await harness.store.grantsPastEnd(at: Date(), limit: 10).map(\.id) == [grant.id])
        _ = try await harness.store.apply(.end, toGrant: grant.id, at: Date(), actor: "sweeper", detail: "time is up")
        #expect(try await harness.store.grantsPastEnd(at: Date(), limit: 10).isEmpty)
        await #expect(throws: StoreError.self) {
            try await harness.node().apply(.end, toGrant: grant.id, at: Date(), actor: "sweeper", detail: "")
        }
    }

    @Test(arguments: StoreBackend.allCases) func aGrantExtendedSinceTheSweeperReadItIsNotEnded(_ backend: StoreBackend)
        async throws
    {
        let harness = try await BackendHarness(backend)
        let first = try await harness.newPending()
        guard
            case .applied(_, let grant, _, _) = try await harness.store.confirmPayment(
                harness.confirmation(first, at: Date().addingTimeInterval(-3700)))
        else {
            Issue.record("not applied")
            return
        }
        let stale = try #require(try await harness.store.grantsPastEnd(at: Date(), limit: 10).first)
        let second = try await harness.newPending()
        _ = try await harness.store.confirmPayment(harness.confirmation(second, reference: "MOMO-2"))
        await #expect(throws: StoreError.self) {
            try await harness.store.apply(.end, toGrant: stale.id, at: Date(), actor: "sweeper", detail: "time is up")
        }
        #expect(try await harness.store.activeGrant(mac: Fixtures.mac)?.id == grant.id)
    }

    @Test(arguments: StoreBackend.allCases) func anAccountingStartAfterThePaymentAcknowledgesTheOpenCoAJob(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let transaction = try await harness.newPending()
        let paidAt = Date().addingTimeInterval(-30)
        guard
            case .applied(_, _, let job?, _) = try await harness.store.confirmPayment(
                harness.confirmation(transaction, at: paidAt))
        else {
            Issue.record("not applied")
            return
        }
        func start(_ id: String, at: Date) async throws {
            try await harness.store.recordSession(
                RadiusSession(
                    routerID: "cafe", acctSessionID: id, mac: Fixtures.mac, userName: Fixtures.mac.description,
                    framedIP: nil, startedAt: at, updatedAt: at))
        }
        try await start("before-payment", at: paidAt.addingTimeInterval(-60))  // the captive session proves nothing
        #expect(try await harness.store.unlockJobs(transactionID: transaction.id).first?.status == .queued)
        try await start("after-payment", at: paidAt.addingTimeInterval(5))
        let acked = try #require(try await harness.store.unlockJobs(transactionID: transaction.id).first)
        #expect(acked.id == job.id && acked.status == .acked)
        #expect(acked.lastError == "unlocked by the accounting start of session after-payment")
        // Audited, and so reported to webhooks, like an unlock the worker saw acknowledged.
        let audit = try await harness.store.auditEvents(transactionID: transaction.id)
        let line = try #require(audit.last { $0.kind == .unlockAcknowledged })
        #expect(line.actor == "router:cafe" && line.detail.contains("after-payment"), "\(line)")
        #expect(audit.filter { $0.kind == .unlockAcknowledged }.count == 1)
    }

    @Test(arguments: StoreBackend.allCases) func anUnlockAcknowledgedByAnAccountingStartReachesSubscribedWebhooks(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        try await harness.store.addWebhookEndpoint(
            WebhookEndpoint(
                id: "pms", url: "https://pms.example.com/hooks", events: [.unlockAcknowledged],
                secret: Secret("whsec_test_0123456789abcdef"), enabled: true, createdAt: Date()), actor: "test")
        let transaction = try await harness.newPending()
        let paidAt = Date().addingTimeInterval(-30)
        _ = try await harness.store.confirmPayment(harness.confirmation(transaction, at: paidAt))
        var session = RadiusSession(
            routerID: "cafe", acctSessionID: "in-1", mac: Fixtures.mac, userName: Fixtures.mac.description,
            framedIP: nil, startedAt: paidAt.addingTimeInterval(5), updatedAt: paidAt.addingTimeInterval(5))
        session.authenticatedBy = .browser
        try await harness.store.recordSession(session)
        // An interim update of the same session settles nothing more.
        session.updatedAt = paidAt.addingTimeInterval(65)
        try await harness.store.recordSession(session)
        let deliveries = try await harness.store.webhookDeliveries(endpointID: "pms", status: nil, limit: 10)
        #expect(deliveries.map(\.eventType) == [.unlockAcknowledged], "\(deliveries)")
        #expect(deliveries.first?.transactionID == transaction.id)
    }
}
