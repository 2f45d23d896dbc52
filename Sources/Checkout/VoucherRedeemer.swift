import Foundation
import HotspotPayCore
import Store

/// A guest's voucher code turned into access: the store applies it exactly like a payment (one
/// sale at the batch's price, one grant or extension, one unlock job, the audit lines), and the
/// unlock worker is told at once.
public struct VoucherRedeemer: Sendable {
    let store: any VoucherStore
    let unlocks: any UnlockDispatch
    let clock: @Sendable () -> Date

    public init(
        store: any VoucherStore, unlocks: any UnlockDispatch = StoredUnlocksOnly(),
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.unlocks = unlocks
        self.clock = clock
    }

    /// Why a typed code gave no access.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not even the shape of a code: nothing was looked up.
        case malformed(VoucherCode.ParseError)
        case refused(VoucherRefusal)
        /// The store could not apply it (nothing was applied either).
        case unavailable(String)

        public var description: String {
            switch self {
            case .malformed(let error): error.description
            case .refused(let refusal): refusal.description
            case .unavailable(let why): why
            }
        }
    }

    /// What a code did for the device.
    public struct Redeemed: Sendable, Equatable {
        /// The sale the code made for the device, now or before.
        public var sale: Transaction
        /// False when the device had redeemed this code before: the sale is older than this
        /// request, and whoever typed the code now (a shared code, a stranger who posts a guest's
        /// MAC) has not shown that they made it.
        public var isNew: Bool
    }

    /// The sale the code made for the device (or made before, when the device redeems it again).
    public func redeem(_ text: String, mac: MACAddress, routerID: String, clientIP: IPAddress?)
        async throws(Failure) -> Redeemed
    {
        let code: VoucherCode
        do throws(VoucherCode.ParseError) { code = try VoucherCode(text) } catch { throw .malformed(error) }
        let outcome: VoucherRedemption
        do {
            outcome = try await store.redeemVoucher(code, mac: mac, routerID: routerID, clientIP: clientIP, at: clock())
        } catch { throw .unavailable(error.description) }
        switch outcome {
        case .refused(let refusal): throw .refused(refusal)
        case .alreadyRedeemed(let sale): return Redeemed(sale: sale, isNew: false)
        case .redeemed(.applied(let sale, _, let job, _)):
            if job != nil { unlocks.queued() }
            return Redeemed(sale: sale, isNew: true)
        case .redeemed(.alreadyConfirmed(let sale)): return Redeemed(sale: sale, isNew: false)
        case .redeemed(.rejected(let rejection)): throw .unavailable("the voucher sale was not applied: \(rejection)")
        }
    }
}
