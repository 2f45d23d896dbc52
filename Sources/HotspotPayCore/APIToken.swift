import struct Foundation.Date

/// A bearer token for scripts, acting as the operator who made it. Shown once when created;
/// stored as its SHA-256 only.
public struct APIToken: Hashable, Sendable, Identifiable {
    public var id: String
    public var operatorID: String
    /// What the operator called it ("backup script").
    public var name: String
    /// The token's first characters, so an operator can tell tokens apart without the secret.
    public var prefix: String
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: String, operatorID: String, name: String, prefix: String, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.operatorID = operatorID
        self.name = name
        self.prefix = prefix
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    public var isRevoked: Bool { revokedAt != nil }
}
