import Foundation
import HotspotPayCore

/// Money received without access as the operator API and `unapplied list --json` print it.
public struct UnappliedPaymentJSON: Encodable, Sendable {
    public var id, transactionID, provider, providerReference, kind, detail: String
    public var amount: Int64
    public var receivedAt: Date
    public var refundRequestedAt: Date?
    public var resolution, note, resolvedBy: String?
    public var resolvedAt: Date?

    public init(_ money: UnappliedPayment) {
        id = money.id
        transactionID = money.transactionID
        provider = money.provider.rawValue
        providerReference = money.providerReference
        kind = money.kind.rawValue
        detail = money.detail
        amount = money.amount.dong
        receivedAt = money.receivedAt
        refundRequestedAt = money.refundRequestedAt
        resolution = money.resolution?.rawValue
        note = money.note
        resolvedBy = money.resolvedBy
        resolvedAt = money.resolvedAt
    }
}
