import Foundation
import HotspotPayCore
import Payments
import TestSupport
import Testing

@Suite struct SandboxProviderTests {
    static let provider = SandboxProvider(
        secret: Secret("sandbox-secret"), walletBaseURL: "http://portal.test/sandbox/wallet")

    @Test func theWalletsCallbackVerifiesAsPaidAndTheLedgerAnswersQueries() async throws {
        let transaction = Fixtures.transaction(provider: .sandbox)
        let request = try await Self.provider.createPayment(
            for: transaction, plan: Fixtures.plan(), context: ProviderFixtures.context)
        #expect(request.payURL == "http://portal.test/sandbox/wallet/\(transaction.id)")
        #expect(try await Self.provider.queryStatus(of: transaction) == .notFound)
        let callback = await Self.provider.walletCallback(for: transaction, pay: true)
        let outcome = try await Self.provider.verifyCallback(callback, orders: MemoryOrders([transaction]))
        #expect(outcome.status == .paid && outcome.amount == transaction.amount)
        #expect(
            try await Self.provider.queryStatus(of: transaction)
                == .paid(providerReference: outcome.providerReference, amount: transaction.amount))
    }

    @Test func referencesDoNotRepeatAfterARestart() async throws {
        // Two ledgers are two daemon runs: the same first payment must not get the same reference,
        // or the store would refuse the second run's payment as a reused one.
        let first = SandboxProvider(secret: Secret("s"), walletBaseURL: "http://portal.test/sandbox/wallet")
        let second = SandboxProvider(secret: Secret("s"), walletBaseURL: "http://portal.test/sandbox/wallet")
        var references: [String] = []
        for provider in [first, second] {
            let transaction = Fixtures.transaction(provider: .sandbox)
            let callback = await provider.walletCallback(for: transaction, pay: true)
            references.append(
                try await provider.verifyCallback(callback, orders: MemoryOrders([transaction])).providerReference)
        }
        #expect(references[0] != references[1])
    }

    @Test func declineIsAFailure() async throws {
        let transaction = Fixtures.transaction(provider: .sandbox)
        let callback = await Self.provider.walletCallback(for: transaction, pay: false)
        let outcome = try await Self.provider.verifyCallback(callback, orders: MemoryOrders([transaction]))
        #expect(outcome.status == .failed(code: "1006", message: "declined in the sandbox wallet"))
    }

    @Test func anotherSecretATokenMismatchOrAnEditedBodyIsRefused() async throws {
        let transaction = Fixtures.transaction(provider: .sandbox)
        let orders = MemoryOrders([transaction])
        let other = SandboxProvider(secret: Secret("other"), walletBaseURL: "x")
        var callbacks = [await other.walletCallback(for: transaction, pay: true)]
        var wrongToken = await Self.provider.walletCallback(for: transaction, pay: true)
        wrongToken.token = String(repeating: "0", count: 32)
        callbacks.append(wrongToken)
        var edited = await Self.provider.walletCallback(for: transaction, pay: true)
        edited.body = Array(
            String(decoding: edited.body, as: UTF8.self).replacingOccurrences(of: "10000", with: "1").utf8)
        callbacks.append(edited)
        for callback in callbacks {
            await #expect(throws: CallbackRejection.self) {
                try await Self.provider.verifyCallback(callback, orders: orders)
            }
        }
    }
}
