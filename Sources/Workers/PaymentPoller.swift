import Checkout
import Foundation
import HotspotPayCore
import Logging
import Payments
import ServiceLifecycle
import Store
import Synchronization

/// Polling mode, for a box no provider can call back (behind NAT, no public URL): every open
/// purchase is asked about at its provider's status API (MoMo query, VNPay querydr, payOS,
/// SePay, the sandbox ledger) on a schedule that starts fast and backs off, so a payment is
/// confirmed within seconds without any inbound connection. A callback that does arrive still
/// wins; both go through the same exactly-once confirmation.
public final class PaymentPoller: Service, Sendable {
    /// How often a purchase is asked about, by its age.
    public struct Schedule: Sendable {
        /// `(until age, every)` in seconds; the last step applies to the end of the window.
        public var steps: [(untilSeconds: Double, everySeconds: Double)]

        /// Every 3 s for the first 2 minutes (a guest paying on the same phone is that quick),
        /// every 10 s up to 5 minutes, then every 30 s.
        public init(steps: [(untilSeconds: Double, everySeconds: Double)] = [(120, 3), (300, 10), (.infinity, 30)]) {
            self.steps = steps
        }

        public func interval(age: Double) -> Double {
            steps.first { age < $0.untilSeconds }?.everySeconds ?? steps.last?.everySeconds ?? 30
        }
    }

    let store: any TransactionStore
    let providers: PaymentProviders
    let schedule: Schedule
    let logger: Logger
    let clock: @Sendable () -> Date
    let unlocks: any UnlockDispatch
    private let statusCheck: PaymentStatusCheck
    /// When each open purchase was last asked about (in memory: after a restart all are due).
    private let lastAsked = Mutex<[String: Date]>([:])
    /// Open purchases looked at per round.
    private let batch = 500

    public init(
        store: any TransactionStore, providers: PaymentProviders, schedule: Schedule = Schedule(), logger: Logger,
        clock: @escaping @Sendable () -> Date = Date.init, unlocks: any UnlockDispatch = StoredUnlocksOnly()
    ) {
        self.store = store
        self.providers = providers
        self.schedule = schedule
        self.logger = logger
        self.clock = clock
        self.unlocks = unlocks
        statusCheck = PaymentStatusCheck(store: store, providers: providers, clock: clock)
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let settled = try await poll()
                if settled > 0 { logger.info("payments settled by polling", metadata: ["count": "\(settled)"]) }
            } catch {
                logger.error("polling the providers failed; trying again", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
    }

    /// One round: asks about every open purchase that is due. Returns how many it settled.
    public func poll() async throws -> Int {
        let now = clock()
        let open = try await store.pendingTransactions(openAt: now, limit: batch)
        let asked = lastAsked.withLock { asked in
            // Forget purchases that are no longer open.
            let ids = Set(open.map(\.id))
            asked = asked.filter { ids.contains($0.key) }
            return asked
        }
        let due = open.filter { transaction in
            guard let last = asked[transaction.id] else { return true }
            let age = now.timeIntervalSince(transaction.createdAt)
            return now.timeIntervalSince(last) >= schedule.interval(age: age)
        }
        guard !due.isEmpty else { return 0 }
        lastAsked.withLock { asked in for transaction in due { asked[transaction.id] = now } }
        // A few queries at a time: providers rate-limit, and a slow one must not hold up the rest.
        let outcomes = try await withThrowingTaskGroup(of: PaymentStatusCheck.Outcome.self) { group in
            var outcomes: [PaymentStatusCheck.Outcome] = []
            for (index, transaction) in due.enumerated() {
                if index >= 8, let outcome = try await group.next() { outcomes.append(outcome) }
                group.addTask { try await self.statusCheck.check(transaction, actor: "poller") }
            }
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let paid = outcomes.filter { $0 == .paid(applied: true) }.count
        if paid > 0 { unlocks.queued() }
        return paid + outcomes.filter { $0 == .failed(applied: true) }.count
    }
}
