import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

@Suite struct GrantMoveTests {
    static let newMAC = try! MACAddress("F2:00:00:00:00:02")

    /// A paid purchase with the old MAC online.
    static func paid(_ harness: BackendHarness) async throws -> (Transaction, Grant) {
        let purchase = try await harness.newPending()
        guard
            case .applied(let paid, let grant, _, _) = try await harness.store.confirmPayment(
                harness.confirmation(purchase))
        else { throw MoveTestFailure() }
        try await harness.store.recordSession(
            RadiusSession(
                routerID: "cafe", acctSessionID: "old-1", mac: Fixtures.mac, userName: "\(Fixtures.mac)",
                framedIP: nil, startedAt: Date(), updatedAt: Date()))
        return (paid, grant)
    }

    struct MoveTestFailure: Error {}

    @Test(arguments: StoreBackend.allCases) func theReceiptMovesTheRemainingPassDisconnectsTheOldMACAndUnlocksTheNewOne(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let (purchase, grant) = try await Self.paid(harness)
        let outcome = try await harness.store.moveGrant(
            receipt: ReceiptCode(of: purchase), to: Self.newMAC, routerID: "cafe", at: Date(), actor: "guest")
        guard case .moved(let moved, let from, _, let jobs) = outcome else {
            Issue.record("expected a move, got \(outcome)")
            return
        }
        #expect(from == Fixtures.mac && moved.id == grant.id)
        #expect(abs(moved.validUntil.timeIntervalSince(grant.validUntil)) < 0.001)
        #expect(try await harness.store.activeGrant(mac: Fixtures.mac) == nil)
        #expect(try await harness.store.activeGrant(mac: Self.newMAC)?.id == grant.id)
        #expect(
            Set(jobs.map { "\($0.action) \($0.mac)" }) == ["disconnect \(Fixtures.mac)", "disconnect \(Self.newMAC)"])
        #expect(
            Set(try await harness.store.dueUnlockJobs(at: Date(), limit: 10).map(\.id)).isSuperset(of: jobs.map(\.id)))
        let audit = try await harness.store.auditEvents(transactionID: purchase.id)
        #expect(audit.last?.kind == .grantMoved && audit.last?.detail.contains("move 1 of 3") == true)
        // The receipt code is a secret: the audit trail names the move, never the code.
        #expect(audit.allSatisfy { !$0.detail.contains(ReceiptCode(of: purchase).value) })
        // Again from the same phone: nothing changes.
        let again = try await harness.store.moveGrant(
            receipt: ReceiptCode(of: purchase), to: Self.newMAC, routerID: "cafe", at: Date(), actor: "guest")
        guard case .alreadyHere(let same, let samePurchase) = again else {
            Issue.record("expected already here, got \(again)")
            return
        }
        #expect(same.id == grant.id && samePurchase.id == purchase.id)
    }

    @Test(arguments: StoreBackend.allCases) func aPassMovesAtMostThreeTimesAndNeverOntoADeviceWithItsOwnPass(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        let (purchase, _) = try await Self.paid(harness)
        for index in 1...3 {
            let mac = MACAddress(octets: [0xF2, 0, 0, 0, 1, UInt8(index)])
            let outcome = try await harness.store.moveGrant(
                receipt: ReceiptCode(of: purchase), to: mac, routerID: "cafe", at: Date(), actor: "guest")
            guard case .moved = outcome else {
                Issue.record("move \(index): \(outcome)")
                return
            }
        }
        #expect(
            try await harness.store.moveGrant(
                receipt: ReceiptCode(of: purchase), to: Self.newMAC, routerID: "cafe", at: Date(), actor: "guest")
                == .refused(.tooManyMoves))
        // A device with a pass of its own keeps it; the other pass does not merge into it.
        let harness2 = try await BackendHarness(backend)
        let (first, _) = try await Self.paid(harness2)
        let other = try await harness2.newPending(mac: Self.newMAC)
        _ = try await harness2.store.confirmPayment(harness2.confirmation(other, reference: "MOMO-2"))
        #expect(
            try await harness2.store.moveGrant(
                receipt: ReceiptCode(of: first), to: Self.newMAC, routerID: "cafe", at: Date(), actor: "guest")
                == .refused(.deviceHasAccess))
        #expect(
            try await harness2.store.moveGrant(
                receipt: try ReceiptCode("ZZZZ-ZZZZ-ZZZZ"), to: Self.newMAC, routerID: "cafe", at: Date(),
                actor: "guest")
                == .refused(.unknownReceipt))
        #expect(
            try await harness2.store.moveGrant(
                receipt: ReceiptCode(of: first), to: MACAddress(octets: [0xF2, 9, 9, 9, 9, 9]), routerID: "cafe",
                at: Date().addingTimeInterval(7200), actor: "guest") == .refused(.noActiveAccess))
    }
}
