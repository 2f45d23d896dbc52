import HotspotPayCore

import struct Foundation.Date

/// Voucher batches, their codes, and the one place a code turns into access.
public protocol VoucherStore: Sendable {
    /// Stores a batch and its codes and audits it. ``StoreError/duplicate(entity:field:value:)``
    /// when a code is taken (draw the batch's codes again).
    func addVoucherBatch(_ batch: VoucherBatch, codes: [VoucherCode], actor: String) async throws(StoreError)
    /// Newest first.
    func voucherBatches() async throws(StoreError) -> [VoucherBatch]
    func voucherBatch(id: String) async throws(StoreError) -> VoucherBatch?
    /// The batch's codes in the order they were made (the printed sheet's order).
    func vouchers(batchID: String) async throws(StoreError) -> [Voucher]
    /// No code of the batch redeems afterwards; access already given stays.
    func revokeVoucherBatch(id: String, at: Date, actor: String) async throws(StoreError) -> VoucherBatch
    /// Redeems `code` for the device in one database transaction: the code's use is counted by a
    /// conditional update (so N racing redemptions of a one-device code give one), a `voucher`
    /// transaction at the batch's price is made and applied exactly like a confirmed payment
    /// (grant, unlock job, audit). The same device redeeming the same code again gets its first
    /// sale back.
    func redeemVoucher(_ code: VoucherCode, mac: MACAddress, routerID: String, clientIP: IPAddress?, at: Date)
        async throws(StoreError) -> VoucherRedemption
}

/// What redeeming a code did.
public enum VoucherRedemption: Sendable, Hashable {
    /// The code unlocked the device: the sale and what applying it did.
    case redeemed(PaymentApplication)
    /// This device redeemed this code before; nothing new was made.
    case alreadyRedeemed(Transaction)
    case refused(VoucherRefusal)
}

/// Why a code gives no access.
public enum VoucherRefusal: String, Sendable, Hashable, CustomStringConvertible {
    /// No such code (mistyped, or guessed).
    case unknown
    case expired
    case revoked
    /// Already used by as many devices as its batch allows.
    case usedUp
    /// The batch's plan no longer exists.
    case planGone

    public var description: String {
        switch self {
        case .unknown: "no such voucher code"
        case .expired: "the voucher has expired"
        case .revoked: "the voucher was withdrawn"
        case .usedUp: "the voucher has been used"
        case .planGone: "the voucher's plan is no longer sold"
        }
    }
}
