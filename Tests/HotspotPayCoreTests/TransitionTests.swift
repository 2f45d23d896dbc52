import Testing

@testable import HotspotPayCore

/// Every (state, event) pair of every lifecycle, checked against tables written out here,
/// independently of the code's own table.
@Suite struct TransitionTests {
    typealias T = TransactionStatus

    static let transactionMoves: [T: [T.Event: T]] = [
        .pending: [
            .confirmPayment: .paid, .failPayment: .failed, .expire: .expired, .cancel: .cancelled,
            .holdForReview: .needsReview,
        ],
        .paid: [.refund: .refunded],
        .expired: [.confirmPayment: .paid, .acceptReviewed: .paid],
        .failed: [.acceptReviewed: .paid], .cancelled: [.acceptReviewed: .paid], .refunded: [:],
        .needsReview: [.confirmPayment: .paid, .acceptReviewed: .paid],
    ]

    @Test(arguments: T.allCases)
    func transactionMovesMatchTheDesign(from: T) {
        for event in T.Event.allCases {
            let allowed = Self.transactionMoves[from]?[event]
            do {
                let to = try from.applying(event)
                #expect(to == allowed, "\(from) --\(event)--> \(to) should not be allowed")
            } catch {
                #expect(allowed == nil, "\(from) --\(event)--> should be allowed: \(error)")
                let target = T.rule(for: event).to
                #expect(error.kind == (from == target ? .alreadyApplied : .forbidden))
            }
        }
    }

    @Test func aDuplicateConfirmationIsReportedAsAlreadyApplied() {
        #expect(throws: TransitionError.self) { try T.paid.applying(.confirmPayment) }
        do { _ = try T.paid.applying(.confirmPayment) } catch { #expect(error.kind == .alreadyApplied) }
        do { _ = try T.failed.applying(.confirmPayment) } catch {
            #expect(error.kind == .forbidden)
            #expect(error.description.contains("allowed only from: expired, needs_review, pending"))
        }
    }

    static let grantMoves: [GrantStatus: [GrantStatus.Event: GrantStatus]] = [
        .active: [.extend: .active, .end: .ended, .revoke: .revoked], .ended: [:], .revoked: [:],
    ]

    @Test(arguments: GrantStatus.allCases)
    func grantMovesMatchTheDesign(from: GrantStatus) {
        for event in GrantStatus.Event.allCases {
            let allowed = Self.grantMoves[from]?[event]
            #expect((try? from.applying(event)) == allowed, "grant \(from) --\(event)-->")
        }
    }

    static let jobMoves: [UnlockJobStatus: [UnlockJobStatus.Event: UnlockJobStatus]] = [
        .queued: [.send: .sent, .acknowledge: .acked, .giveUp: .failed],
        .sent: [
            .acknowledge: .acked, .awaitConfirmation: .confirming, .unconfirm: .unconfirmed, .reject: .nak,
            .retry: .queued, .giveUp: .failed,
        ],
        // The router's ACK is not "online": only its state (a new session, the active list) is.
        .confirming: [.acknowledge: .acked, .unconfirm: .unconfirmed, .giveUp: .failed],
        // A late Accounting-Start still proves the device came online.
        .unconfirmed: [.acknowledge: .acked],
        .acked: [:], .nak: [:], .failed: [:],
    ]

    @Test(arguments: UnlockJobStatus.allCases)
    func unlockJobMovesMatchTheDesign(from: UnlockJobStatus) {
        for event in UnlockJobStatus.Event.allCases {
            let allowed = Self.jobMoves[from]?[event]
            #expect((try? from.applying(event)) == allowed, "unlock job \(from) --\(event)-->")
        }
    }

    @Test func sourcesAreExactlyTheStatesThatAllowTheEvent() {
        for event in T.Event.allCases {
            #expect(T.sources(for: event) == Set(T.allCases.filter { Self.transactionMoves[$0]?[event] != nil }))
        }
    }
}
