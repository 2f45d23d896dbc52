import FakeProviders
import Foundation
import HotspotPayCore
import Logging
import Payments
import Store
import Synchronization
import TestSupport
import Testing
import Workers

/// Polling mode: payments confirmed through the providers' status APIs with no callback at all.
@Suite struct PaymentPollerTests {
    let store: SQLiteStore
    let rings = RingCounter()
    let now = TestClock()

    init() async throws {
        let directory = try Fixtures.temporaryDirectory("poller")
        store = try SQLiteStore(
            path: directory.appendingPathComponent("poll.sqlite").path,
            cipher: SecretCipher(key: try SecretKey(bytes: Array(repeating: 6, count: 32))))
        try await store.addPlan(Fixtures.plan(), actor: "test")
        try await store.addRouter(Fixtures.router(), actor: "test")
    }

    func poller(_ providers: [any PaymentProvider]) -> PaymentPoller {
        PaymentPoller(
            store: store, providers: PaymentProviders(providers), logger: Logger(label: "poller-test"),
            clock: { [now] in now.time.withLock { $0 } },
            unlocks: rings)
    }

    func advance(_ seconds: Double) { now.time.withLock { $0 = $0.addingTimeInterval(seconds) } }

    @Test func aSandboxPaymentWhoseCallbackNeverArrivesIsConfirmedByPolling() async throws {
        let sandbox = SandboxProvider(secret: Secret("sandbox-secret"), walletBaseURL: "http://portal/sandbox/wallet")
        let transaction = Fixtures.transaction()
        try await store.insertTransaction(transaction, actor: "test")
        // The guest paid in the wallet; the callback it produced is never delivered.
        _ = await sandbox.walletCallback(for: transaction, pay: true)
        let poller = poller([sandbox])
        #expect(try await poller.poll() == 1)
        #expect(try await store.transaction(id: transaction.id)?.status == .paid)
        #expect(try await store.unlockJobs(transactionID: transaction.id).count == 1)
        #expect(rings.count.withLock { $0 } == 1)
        let audit = try await store.auditEvents(transactionID: transaction.id)
        #expect(audit.contains { $0.kind == .paymentConfirmed && $0.actor == "poller" })
        advance(5)
        #expect(try await poller.poll() == 0)  // nothing open any more
    }

    @Test func aMoMoPaymentIsConfirmedThroughTheQueryAPIOnTheFastThenSlowerSchedule() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let momo = MoMoProvider(
                settings: FakeSettings.momo(base, timeout: 5), http: AsyncHTTPProviderClient(),
                logger: Logger(label: "poller-test"))
            let transaction = Fixtures.transaction(provider: .momo)
            try await store.insertTransaction(transaction, actor: "test")
            let request = try await momo.createPayment(
                for: transaction, plan: Fixtures.plan(),
                context: PaymentContext(
                    returnURL: "http://portal.test/pay/x", callbackBaseURL: "http://portal.test/callbacks",
                    language: .vi, clientIP: nil))
            let poller = poller([momo])
            #expect(try await poller.poll() == 0)  // MoMo: not paid yet
            // The guest pays; MoMo's IPN cannot reach this box.
            _ = try await fake.momoIPN(orderID: request.providerOrderID)
            advance(1)
            #expect(try await poller.poll() == 0)  // asked 1 s ago: not due before 3 s
            advance(2)
            #expect(try await poller.poll() == 1)
            #expect(try await store.transaction(id: transaction.id)?.status == .paid)
            #expect(try await store.transaction(id: transaction.id)?.providerReference != nil)
        }
    }

    @Test func theScheduleStartsEveryFewSecondsAndBacksOff() {
        let schedule = PaymentPoller.Schedule()
        #expect(schedule.interval(age: 10) == 3)
        #expect(schedule.interval(age: 200) == 10)
        #expect(schedule.interval(age: 600) == 30)
    }
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    let time = Mutex(Date())
}
