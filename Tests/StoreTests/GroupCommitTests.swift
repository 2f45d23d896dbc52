import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

/// Concurrent writes share transactions (group commit); each must keep its own outcome.
@Suite struct GroupCommitTests {
    @Test func aFailingWriteAmongConcurrentOnesLosesOnlyItself() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let store = try SQLiteStore(path: directory.appendingPathComponent("group.sqlite").path, cipher: nil)
        try await store.addPlan(Fixtures.plan(), actor: "test")
        let originals = (0..<40).map { _ in Fixtures.transaction() }
        // Every fourth write reuses an order code taken by an earlier one: a constraint failure
        // inside a batch that also holds good writes.
        let writes = originals.enumerated().map { index, transaction -> Transaction in
            guard index % 4 == 3 else { return transaction }
            var clash = Fixtures.transaction()
            clash.orderCode = originals[index - 1].orderCode
            return clash
        }
        let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
            for transaction in writes {
                group.addTask {
                    do {
                        try await store.insertTransaction(transaction, actor: "test")
                        return (transaction.id, true)
                    } catch {
                        return (transaction.id, false)
                    }
                }
            }
            return await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
        }
        for (index, transaction) in writes.enumerated() {
            let stored = try await store.transaction(id: transaction.id)
            if index % 4 == 3 {
                // The clash with the one written before it: whichever lost is refused and absent.
                let pair = [writes[index - 1].id, transaction.id]
                #expect(pair.filter { outcomes[$0] == true }.count == 1)
            } else if index % 4 != 2 {
                #expect(outcomes[transaction.id] == true && stored != nil)
            }
            #expect((stored != nil) == (outcomes[transaction.id] == true))
            if stored != nil {
                #expect(try await store.auditEvents(transactionID: transaction.id).count == 1)
            }
        }
    }
}
