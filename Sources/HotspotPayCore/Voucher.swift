/// One code of a ``VoucherBatch`` and how many devices it has unlocked.
public struct Voucher: Hashable, Sendable {
    public var code: VoucherCode
    public var batchID: String
    public var redemptions: Int

    public init(code: VoucherCode, batchID: String, redemptions: Int = 0) {
        self.code = code
        self.batchID = batchID
        self.redemptions = redemptions
    }
}
