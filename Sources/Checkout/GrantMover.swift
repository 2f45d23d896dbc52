import Foundation
import HotspotPayCore
import Store

/// A guest's pass follows them to their phone's new MAC (phones randomise MACs per network and may
/// rotate them): the receipt code of a purchase moves its remaining access, and the unlock worker
/// is told at once to disconnect the old MAC and let the new one in.
public struct GrantMover: Sendable {
    let store: any GrantMoveStore
    let unlocks: any UnlockDispatch
    let clock: @Sendable () -> Date

    public init(
        store: any GrantMoveStore, unlocks: any UnlockDispatch = StoredUnlocksOnly(),
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.unlocks = unlocks
        self.clock = clock
    }

    /// Why a pass did not move.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case malformed(ReceiptCode.ParseError)
        case refused(GrantMoveRefusal)
        case unavailable(String)

        public var description: String {
            switch self {
            case .malformed(let error): error.description
            case .refused(let refusal): refusal.description
            case .unavailable(let why): why
            }
        }
    }

    /// The purchase whose pass is now on `mac`.
    public func move(receipt text: String, to mac: MACAddress, routerID: String) async throws(Failure) -> Transaction {
        let receipt: ReceiptCode
        do throws(ReceiptCode.ParseError) {
            receipt = try ReceiptCode(text.trimmingCharacters(in: .whitespaces))
        } catch { throw .malformed(error) }
        let outcome: GrantMove
        do {
            outcome = try await store.moveGrant(
                receipt: receipt, to: mac, routerID: routerID, at: clock(), actor: "guest:\(mac)")
        } catch { throw .unavailable(error.description) }
        switch outcome {
        case .moved(_, _, let purchase, let jobs):
            if !jobs.isEmpty { unlocks.queued() }
            return purchase
        case .alreadyHere(_, let purchase): return purchase
        case .refused(let refusal): throw .refused(refusal)
        }
    }
}
