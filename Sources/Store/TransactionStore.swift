import HotspotPayCore

import struct Foundation.Date

/// Purchases and the one place where a payment turns into access.
public protocol TransactionStore: Sendable {
    /// Stores a new pending transaction and audits it. ``StoreError/duplicate(entity:field:value:)``
    /// on an order code collision: draw a new code and try again.
    func insertTransaction(_ transaction: Transaction, actor: String) async throws(StoreError)
    func transaction(id: String) async throws(StoreError) -> Transaction?
    func transaction(orderCode: OrderCode) async throws(StoreError) -> Transaction?
    /// The device's newest transaction, to resume it when the captive browser comes back.
    func latestTransaction(mac: MACAddress) async throws(StoreError) -> Transaction?
    func transactions(matching filter: TransactionFilter) async throws(StoreError) -> [Transaction]
    /// Moves a transaction by `event` if (and only if) the database still has it in an allowed
    /// state, and audits the move. Throws ``StoreError/transition(_:)`` otherwise.
    func apply(
        _ event: TransactionStatus.Event, toTransaction id: String, at: Date, actor: String, detail: String
    ) async throws(StoreError) -> Transaction
    /// Pending transactions whose window closed at or before `date`, oldest first.
    func pendingTransactions(expiredAt date: Date, limit: Int) async throws(StoreError) -> [Transaction]
    /// Pending transactions whose window is still open at `date`, newest first (the poller's list).
    func pendingTransactions(openAt date: Date, limit: Int) async throws(StoreError) -> [Transaction]
    /// Applies a verified payment exactly once: in one database transaction the transaction
    /// becomes paid, the device's grant starts or is extended, an unlock job is queued and
    /// audit events are written.
    func confirmPayment(_ confirmation: PaymentConfirmation) async throws(StoreError) -> PaymentApplication
}
