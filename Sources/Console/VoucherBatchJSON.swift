import Foundation
import HotspotPayCore

/// A voucher batch as the operator API and `vouchers list --json` print it; with its codes when
/// one batch is asked for.
public struct VoucherBatchJSON: Encodable, Sendable {
    public struct Code: Encodable, Sendable {
        public var code: String
        public var redemptions: Int
    }
    public var id, plan, note, createdBy: String
    public var count, price, devicesPerCode: Int64
    public var validUntil, createdAt: Date
    public var revokedAt: Date?
    public var codes: [Code]?

    public init(_ batch: VoucherBatch, vouchers: [Voucher]? = nil) {
        id = batch.id
        plan = batch.planID
        note = batch.note
        createdBy = batch.createdBy
        count = Int64(batch.count)
        price = batch.price.dong
        devicesPerCode = Int64(batch.devicesPerCode)
        validUntil = batch.validUntil
        createdAt = batch.createdAt
        revokedAt = batch.revokedAt
        codes = vouchers?.map { Code(code: $0.code.description, redemptions: $0.redemptions) }
    }
}
