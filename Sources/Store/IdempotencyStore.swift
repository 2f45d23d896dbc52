import HotspotPayCore

import struct Foundation.Date

/// A response kept for an `Idempotency-Key`, replayed to a retry of the same request.
public struct StoredResponse: Sendable, Hashable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// What a request carrying an `Idempotency-Key` may do.
public enum IdempotencyClaim: Sendable, Hashable {
    /// First use of the key (or its last use expired or was abandoned): run the request.
    case new
    /// The same request was answered before: send that answer again.
    case replay(StoredResponse)
    /// The key was used with a different request.
    case mismatch
    /// The same request is being answered right now (a double tap): try again in a moment.
    case inProgress
}

/// Idempotency keys of changing API calls, kept `retentionSeconds` (24 h), so a client that
/// retries after a timeout gets the first answer instead of a second order.
public protocol IdempotencyStore: Sendable {
    /// Claims `key` in `scope` for a request whose method, path and body digest to `requestDigest`.
    /// A claim left unfinished for `abandonedAfterSeconds` (its node died) can be claimed again.
    func claimIdempotencyKey(scope: String, key: String, requestDigest: String, at: Date) async throws(StoreError)
        -> IdempotencyClaim
    /// Keeps the answer for replays; nil gives the key back (the request failed on our side).
    func finishIdempotencyKey(scope: String, key: String, response: StoredResponse?) async throws(StoreError)
    /// Forgets keys older than `before`; returns how many.
    func purgeIdempotencyKeys(before: Date) async throws(StoreError) -> Int
}

public enum IdempotencyRules {
    /// How long a key's answer is kept (and the key refused for another request).
    public static let retentionSeconds: Double = 86_400
    /// A claim with no answer after this long was abandoned (a crash mid-request).
    public static let abandonedAfterSeconds: Double = 120
}

extension IdempotencyRules {
    /// What a claim of a key already stored means: nil when the stored claim is over (past its
    /// retention, or abandoned mid-request) and the caller takes the key over as new.
    public static func decide(
        storedDigest: String, createdAt: Date, status: Int?, contentType: String?, body: [UInt8]?,
        requestDigest: String, at now: Date
    ) -> IdempotencyClaim? {
        let age = now.timeIntervalSince(createdAt)
        if age >= retentionSeconds || (status == nil && age >= abandonedAfterSeconds) { return nil }
        guard storedDigest == requestDigest else { return .mismatch }
        guard let status else { return .inProgress }
        return .replay(StoredResponse(status: status, contentType: contentType ?? "", body: body ?? []))
    }
}
