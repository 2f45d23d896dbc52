import Foundation
import HotspotPayCore
import Store

/// The operator's first screen: today's money, the last day's payments by hour, who is online,
/// and what needs a look.
public struct DashboardSummary: Sendable {
    public var today: RevenueLine
    /// The last 24 hours, one slot per hour (zeros included), oldest first.
    public var paymentsPerHour: [(hour: Date, sales: Int, amount: Money)]
    public var liveDevices: Int
    public var activeGrants: Int
    /// Unlocks queued or sent for more than ``Dashboard/stuckAfterSeconds`` (paid, not yet online).
    public var stuckUnlocks: [UnlockJob]
    /// Unlocks refused or given up in the last day for devices still entitled to access.
    public var failedUnlocks: [UnlockJob]
    /// Pending purchases whose window closes within ``Dashboard/closingWithinSeconds``.
    public var closingSoon: [Transaction]
    /// Money received without access, still open: a refund, a grant or a note is owed.
    public var unappliedMoney: [UnappliedPayment] = []
    /// Webhook deliveries whose retries are spent: a venue system missed these events.
    public var deadWebhooks = 0
}

/// Builds the dashboard and the revenue report.
public struct Dashboard: Sendable {
    let store: any ReportStore & UnappliedPaymentStore & WebhookStore
    let venue: VenueTime
    public static let stuckAfterSeconds: Double = 30
    public static let closingWithinSeconds: Double = 120

    public init(store: any ReportStore & UnappliedPaymentStore & WebhookStore, venue: VenueTime = VenueTime()) {
        self.store = store
        self.venue = venue
    }

    public func summary(now: Date = Date()) async throws(ConsoleError) -> DashboardSummary {
        try await ConsoleError.wrap {
            let dayStart = venue.startOfDay(now)
            let hourNow = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
            let from = hourNow.addingTimeInterval(-23 * 3600)
            async let today = store.revenue(
                from: dayStart, to: dayStart.addingTimeInterval(86_400), by: .day,
                utcOffsetSeconds: venue.utcOffsetSeconds)
            async let hours = store.paymentsPerHour(from: from, to: hourNow.addingTimeInterval(3600))
            async let live = store.openSessionCount()
            async let grants = store.activeGrantCount()
            async let troubled = store.troubledUnlockJobs(
                stuckBefore: now.addingTimeInterval(-Self.stuckAfterSeconds),
                failedSince: now.addingTimeInterval(-86_400),
                limit: 50)
            async let unapplied = store.unappliedPayments(open: true, limit: 50)
            async let closing = store.pendingTransactions(
                closingFrom: now, to: now.addingTimeInterval(Self.closingWithinSeconds), limit: 50)
            let byHour = Dictionary(uniqueKeysWithValues: try await hours.map { ($0.hour, $0) })
            let slots = (0..<24).map { index -> (hour: Date, sales: Int, amount: Money) in
                let hour = from.addingTimeInterval(Double(index) * 3600)
                return byHour[hour] ?? (hour, 0, .zero)
            }
            async let webhooks = store.webhookDeliveryCounts()
            let jobs = try await troubled
            return DashboardSummary(
                today: try await today.first
                    ?? RevenueLine(key: venue.dayText(now), sales: 0, gross: .zero, refunded: .zero),
                paymentsPerHour: slots, liveDevices: try await live, activeGrants: try await grants,
                stuckUnlocks: jobs.filter { $0.status == .queued || $0.status == .sent },
                failedUnlocks: jobs.filter { $0.status == .nak || $0.status == .failed },
                closingSoon: try await closing, unappliedMoney: try await unapplied,
                deadWebhooks: try await webhooks[.dead] ?? 0)
        }
    }

    /// Revenue between two venue days (both inclusive, `YYYY-MM-DD`), grouped.
    public func revenue(from: String, to: String, by grouping: RevenueGrouping) async throws(ConsoleError)
        -> [RevenueLine]
    {
        let start = try venue.day(from, field: "from")
        let end = try venue.day(to, field: "to").addingTimeInterval(86_400)
        // A range that ends before it starts holds no day: nothing sold in it. Long ranges are
        // fine: the query reads the paid-time index, one row per group.
        guard end > start else { return [] }
        return try await ConsoleError.wrap {
            try await store.revenue(from: start, to: end, by: grouping, utcOffsetSeconds: venue.utcOffsetSeconds)
        }
    }

    public func liveSessions(limit: Int = 200) async throws(ConsoleError) -> [RadiusSession] {
        try await ConsoleError.wrap { try await store.openSessions(limit: min(max(limit, 1), 5000)) }
    }

    /// The audit log, newest first; `before` pages back, `kind` filters by prefix (`payment.`).
    public func audit(before: Int64?, kind: String?, limit: Int = 100) async throws(ConsoleError) -> [AuditEvent] {
        try await ConsoleError.wrap {
            try await store.auditEvents(before: before, kindPrefix: kind, limit: min(max(limit, 1), 1000))
        }
    }

    /// What `actor` sold at the counter since the venue day began (cash sales confirmed in their
    /// name): the cashier's own figure, without the venue's revenue.
    public func ownSalesToday(actor: String, now: Date = Date()) async throws(ConsoleError) -> (
        count: Int, total: Money
    ) {
        let start = venue.startOfDay(now)
        var count = 0
        var total = Money.zero
        var before: Int64?
        // Newest first, a page at a time, until the events are older than today.
        pages: while true {
            let page = try await ConsoleError.wrap {
                try await store.auditEvents(before: before, kindPrefix: AuditKind.paymentConfirmed.rawValue, limit: 500)
            }
            for event in page {
                guard event.at >= start else { break pages }
                if event.actor == actor, let amount = event.amount {
                    count += 1
                    total = total + amount
                }
            }
            guard page.count == 500, let last = page.last?.sequence else { break }
            before = last
        }
        return (count, total)
    }
}
