import struct Foundation.Date

/// An operator's signed-in browser. The cookie holds a random token; the store keeps only its
/// SHA-256, so a copied database opens no sessions. `csrfToken` must come back with every form
/// post and unsafe API call made with the cookie.
public struct OperatorSession: Hashable, Sendable {
    public var tokenHash: String
    public var operatorID: String
    public var csrfToken: String
    public var createdAt: Date
    public var expiresAt: Date
    /// The address the login came from, for the operators page.
    public var address: String

    public init(
        tokenHash: String, operatorID: String, csrfToken: String, createdAt: Date, expiresAt: Date, address: String
    ) {
        self.tokenHash = tokenHash
        self.operatorID = operatorID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.address = address
    }
}
