import HotspotPayCore

import struct Foundation.Date

/// What moving a pass to a device's new MAC did (``GrantMoveStore/moveGrant(receipt:to:routerID:at:actor:)``).
public enum GrantMove: Sendable, Hashable {
    /// The pass now belongs to the new MAC: the old MAC's open sessions get a Disconnect, the
    /// new MAC an unlock; `jobs` are both.
    case moved(grant: Grant, from: MACAddress, transaction: Transaction, jobs: [UnlockJob])
    /// The pass is on this MAC already: nothing changed.
    case alreadyHere(grant: Grant, transaction: Transaction)
    case refused(GrantMoveRefusal)
}

/// Why a pass did not move.
public enum GrantMoveRefusal: String, Sendable, Hashable, CustomStringConvertible {
    /// No purchase has that receipt code.
    case unknownReceipt
    /// The purchase's access has ended (or it was never paid).
    case noActiveAccess
    /// The pass moved as often as a pass may (``GrantMoves/maximum``).
    case tooManyMoves
    /// The new MAC has access of its own; moving would merge two passes.
    case deviceHasAccess

    public var description: String {
        switch self {
        case .unknownReceipt: "no purchase has that receipt code"
        case .noActiveAccess: "that purchase's access has ended"
        case .tooManyMoves: "that pass has moved to another device \(GrantMoves.maximum) times already"
        case .deviceHasAccess: "this device already has access of its own"
        }
    }
}

/// A pass that follows its guest: phones randomise (and rotate) their MAC per network.
public protocol GrantMoveStore: Sendable {
    /// Moves the active grant paid by the purchase with receipt code `receipt` to `mac`, in one
    /// database transaction and conditional on the grant being active and under its move limit:
    /// the grant keeps its id, end, data and purchases; the old MAC's open sessions get Disconnect
    /// jobs and the new MAC an unlock job for `routerID`; audited.
    func moveGrant(receipt: ReceiptCode, to mac: MACAddress, routerID: String, at: Date, actor: String)
        async throws(StoreError) -> GrantMove
}

/// The limit on moves.
public enum GrantMoves {
    /// How often one pass may change device.
    public static let maximum = 3

    /// The unlock jobs of a move. The old MAC leaves: each router it is online at ends its
    /// session. The new MAC arrives as a paid device would: on a CoA router its captive session
    /// is ended so the next authentication carries the pass (its data cap included); on a login
    /// router the page, the REST API or the MAC-auth retry logs it in. `arrival`: the new
    /// router's strategy and whether it has a REST API (nil: no such router).
    public static func unlockJobs(
        purchase: Transaction, grant: Grant, from oldMAC: MACAddress, onlineAt routers: [String], to routerID: String,
        arrival: (strategy: UnlockStrategy, hasAPI: Bool)?, at: Date
    ) -> [UnlockJob] {
        var generator = SystemRandomNumberGenerator()
        func job(_ action: UnlockAction, mac: MACAddress, router: String, after wait: Double = 0) -> UnlockJob {
            UnlockJob(
                id: EntityID.random(using: &generator), transactionID: purchase.id, grantID: grant.id,
                routerID: router, mac: mac, action: action, nextAttemptAt: at.addingTimeInterval(wait), createdAt: at,
                updatedAt: at)
        }
        var jobs = routers.map { job(.disconnect, mac: oldMAC, router: $0) }
        if let arrival {
            jobs.append(
                arrival.strategy == .coa
                    ? job(.disconnect, mac: grant.mac, router: routerID)
                    : job(
                        .login, mac: grant.mac, router: routerID,
                        after: arrival.hasAPI ? UnlockJob.browserGraceSeconds : UnlockJob.macRetryWindowSeconds))
        }
        return jobs
    }
}
