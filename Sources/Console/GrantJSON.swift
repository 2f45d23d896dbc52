import Foundation
import HotspotPayCore

/// A grant as the operator API and `grants list --json` print it.
public struct GrantJSON: Encodable, Sendable {
    public var id, mac, status: String
    public var startsAt, validUntil: Date
    public var secondsLeft: Int64
    public var dataRemainingBytes, downloadBPS, uploadBPS: Int64?
    public var transactions: [String]

    enum CodingKeys: String, CodingKey {
        case id
        case mac
        case status
        case startsAt = "starts_at"
        case validUntil = "valid_until"
        case secondsLeft = "seconds_left"
        case dataRemainingBytes = "data_remaining_bytes"
        case downloadBPS = "download_bps"
        case uploadBPS = "upload_bps"
        case transactions
    }

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
