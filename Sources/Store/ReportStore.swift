import HotspotPayCore

import struct Foundation.Date

/// How the revenue report groups sales.
public enum RevenueGrouping: String, Sendable, CaseIterable, Codable {
    case day, plan, provider, router
}

/// One line of the revenue report. Sales count by the time they were paid.
public struct RevenueLine: Sendable, Hashable {
    /// The day (`2026-11-28`, venue time), plan id, provider or router id.
    public var key: String
    public var sales: Int
    public var gross: Money
    public var refunded: Money
    public var net: Money { Money(dong: gross.dong - refunded.dong) }

    public init(key: String, sales: Int, gross: Money, refunded: Money) {
        self.key = key
        self.sales = sales
        self.gross = gross
        self.refunded = refunded
    }
}

/// Read-only questions the operator console asks.
public protocol ReportStore: Sendable {
    /// Sales paid in `[from, to)` grouped by `grouping`; days are in the venue's time zone
    /// (`utcOffsetSeconds`, Vietnam +7 h).
    func revenue(from: Date, to: Date, by grouping: RevenueGrouping, utcOffsetSeconds: Int) async throws(StoreError)
        -> [RevenueLine]
    /// Payments per hour in `[from, to)`: the hour's start and the count.
    func paymentsPerHour(from: Date, to: Date) async throws(StoreError) -> [(hour: Date, sales: Int, amount: Money)]
    /// How many transactions match (ignoring the filter's limit and offset), for paging.
    func countTransactions(matching filter: TransactionFilter) async throws(StoreError) -> Int
    /// Active grants, the newest first.
    func activeGrants(limit: Int, offset: Int) async throws(StoreError) -> [Grant]
    func activeGrantCount() async throws(StoreError) -> Int
    /// How many transactions each (status, provider) pair has, for `/metrics`.
    func transactionCounts() async throws(StoreError) -> [(status: String, provider: String, count: Int)]
    /// Sessions the routers report open, the newest first.
    func openSessions(limit: Int) async throws(StoreError) -> [RadiusSession]
    func openSessionCount() async throws(StoreError) -> Int
    /// Unlock jobs needing a look: queued or sent since before `stuckBefore`, or refused/failed
    /// since `failedSince`, for grants still active.
    func troubledUnlockJobs(stuckBefore: Date, failedSince: Date, limit: Int) async throws(StoreError) -> [UnlockJob]
    /// Pending transactions whose window closes in `[from, to)`.
    func pendingTransactions(closingFrom from: Date, to: Date, limit: Int) async throws(StoreError) -> [Transaction]
    /// Audit events, newest first, before `sequence` when given (paging).
    func auditEvents(before sequence: Int64?, kindPrefix: String?, limit: Int) async throws(StoreError) -> [AuditEvent]
    /// The unlock jobs and sessions of a transaction's device, for its timeline.
    func sessions(mac: MACAddress, since: Date, limit: Int) async throws(StoreError) -> [RadiusSession]
}
