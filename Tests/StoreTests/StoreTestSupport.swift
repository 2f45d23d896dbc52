import Foundation
import HotspotPayCore
import Store
import TestSupport

/// A store on a fresh SQLite file with one plan and one router, and its key.
struct StoreHarness: SalesHarness {
    let directory: URL
    let key: SecretKey
    let store: SQLiteStore
    var path: String { directory.appendingPathComponent("test.sqlite").path }

    init(_ label: String = #function, strategy: UnlockStrategy = .coa) async throws {
        directory = try Fixtures.temporaryDirectory(label)
        key = try SecretKey(bytes: Array(repeating: 7, count: 32))
        store = try SQLiteStore(
            path: directory.appendingPathComponent("test.sqlite").path, cipher: SecretCipher(key: key))
        try await store.addPlan(Fixtures.plan(), actor: "test")
        try await store.addRouter(Fixtures.router(strategy: strategy), actor: "test")
    }

    /// A second connection pool on the same file, as a second daemon or the CLI would have.
    func secondStore() throws -> SQLiteStore { try SQLiteStore(path: path, cipher: SecretCipher(key: key)) }

}

/// What every store harness offers the tests: a pending sale stored, and a provider's
/// confirmation of it.
protocol SalesHarness {
    var salesStore: any TransactionStore { get }
}

extension SalesHarness {
    func newPending(mac: MACAddress = Fixtures.mac, now: Date = Date(), window: Int64 = 900) async throws -> Transaction
    {
        let transaction = Fixtures.transaction(mac: mac, now: now, window: window)
        try await salesStore.insertTransaction(transaction, actor: "test")
        return transaction
    }

    func confirmation(_ transaction: Transaction, reference: String = "MOMO-1", amount: Money? = nil, at: Date = Date())
        -> PaymentConfirmation
    {
        PaymentConfirmation(
            transactionID: transaction.id, provider: transaction.provider, providerReference: reference,
            amount: amount ?? transaction.amount, at: at, actor: "provider:test")
    }
}

extension StoreHarness {
    var salesStore: any TransactionStore { store }
}
