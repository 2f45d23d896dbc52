/// The portal's own addresses as guests and providers reach them, from `public_url`.
public struct PortalURLs: Sendable, Hashable {
    public let publicURL: String

    public init(publicURL: String) {
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }

    /// Where a provider sends the guest's browser back: the transaction's status page.
    public func transactionPage(_ id: String) -> String { "\(publicURL)/pay/\(id)" }
    /// `/callbacks`; each provider adds its endpoint (and the transaction's token where allowed).
    public var callbackBase: String { "\(publicURL)/callbacks" }
    public var sandboxWallet: String { "\(publicURL)/sandbox/wallet" }
}
