import Foundation
import HotspotPayCore

/// An API token as the operator API and `tokens list --json` print it: the secret only when just created.
public struct TokenJSON: Encodable, Sendable {
    public var id, name, prefix, operatorID: String
    public var createdAt: Date
    public var revokedAt: Date?
    /// Only in the answer that created it.
    public var token: String?
    public init(_ token: APIToken, secret: String? = nil) {
        id = token.id
        name = token.name
        prefix = token.prefix
        operatorID = token.operatorID
        createdAt = token.createdAt
        revokedAt = token.revokedAt
        self.token = secret
    }
}
