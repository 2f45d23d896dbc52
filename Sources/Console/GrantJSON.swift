import Foundation
import HotspotPayCore

/// A grant as the operator API and `grants list --json` print it.
public struct GrantJSON: Encodable, Sendable {
    public var id, mac, status: String
    public var startsAt, validUntil: Date
    public var secondsLeft: Int64
    public var dataRemainingBytes, downloadBPS, uploadBPS: Int64?
    public var transactions: [String]

    public init(_ grant: Grant, now: Date = Date()) {
        id = grant.id
        mac = grant.mac.description
        status = grant.status.rawValue
        startsAt = grant.startsAt
        validUntil = grant.validUntil
        secondsLeft = grant.status == .active ? grant.secondsLeft(at: now) : 0
        dataRemainingBytes = grant.dataRemainingBytes
        downloadBPS = grant.rateLimit?.downloadBitsPerSecond
        uploadBPS = grant.rateLimit?.uploadBitsPerSecond
        transactions = grant.transactionIDs
    }
}
