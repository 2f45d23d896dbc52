import HotspotPayCore

/// The built-in offline provider: a wallet page served by the daemon itself.
public struct SandboxSettings: Sendable, Hashable {
    /// Signs the sandbox wallet's callbacks; random per start when not configured.
    public var secret: Secret?
    public init(secret: Secret? = nil) { self.secret = secret }
}
