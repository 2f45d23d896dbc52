import Console
import Foundation
import HotspotPayCore
import Logging
import Payments
import Store
import TestSupport

/// A console on a real SQLite file with one plan, one router and the sandbox provider.
struct ConsoleHarness {
    let store: SQLiteStore
    let sandbox: SandboxProvider
    let console: OperatorConsole
    let throttle: LoginThrottle

    init(_ label: String = #function, throttle: LoginThrottle = LoginThrottle()) async throws {
        let directory = try Fixtures.temporaryDirectory(label)
        let key = try SecretKey(bytes: Array(repeating: 5, count: 32))
        store = try SQLiteStore(
            path: directory.appendingPathComponent("console.sqlite").path, cipher: SecretCipher(key: key))
        try await store.addPlan(Fixtures.plan(), actor: "test")
        try await store.addRouter(Fixtures.router(), actor: "test")
        sandbox = SandboxProvider(
            secret: Secret("sandbox-secret"), walletBaseURL: "http://portal.test/sandbox/wallet",
            // A stand-in for a real provider: the test routers are not on loopback.
            unsafeFakePayments: true)
        self.throttle = throttle
        console = OperatorConsole(
            store: store, providers: PaymentProviders([sandbox]), logger: Logger(label: "test"),
            hasher: CryptPasswordHasher(cost: 1), throttle: throttle)
    }

    /// A sandbox sale paid through the sandbox wallet (so the ledger can refund it).
    func paidSale(mac: MACAddress = Fixtures.mac, at now: Date = Date()) async throws -> Transaction {
        let transaction = Fixtures.transaction(mac: mac, now: now)
        try await store.insertTransaction(transaction, actor: "test")
        _ = await sandbox.walletCallback(for: transaction, pay: true)
        guard case .paid(let reference, _) = await sandbox.ledger.entry(ProviderOrderID(transaction).description)
        else { throw HarnessError("the sandbox ledger did not record the payment") }
        _ = try await store.confirmPayment(
            PaymentConfirmation(
                transactionID: transaction.id, provider: .sandbox, providerReference: reference,
                amount: transaction.amount, at: now, actor: "provider:sandbox"))
        return try await store.transaction(id: transaction.id)!
    }

    struct HarnessError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
