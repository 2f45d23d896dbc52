import Foundation
import HotspotPayCore

/// The built-in offline provider: a wallet page served by the daemon itself.
///
/// Its payments are fake, so it is only offered where no real guest can reach it: while the
/// portal's `public_url` and every router are on this machine's loopback (the embedded demo, the
/// tests, a developer's box). A real install turns it on only with ``unsafeFakePayments``.
public struct SandboxSettings: Sendable, Hashable {
    /// Signs the sandbox wallet's callbacks; random per start when not configured.
    public var secret: Secret?
    /// `unsafe_fake_payments: true`: the sandbox is offered beside real routers and a public
    /// `public_url`, so anyone on the WiFi can get online with a fake payment. For a trial at a
    /// venue only; the console shows a red banner while it is on.
    public var unsafeFakePayments: Bool

    public init(secret: Secret? = nil, unsafeFakePayments: Bool = false) {
        self.secret = secret
        self.unsafeFakePayments = unsafeFakePayments
    }

    /// Whether the install is this machine alone: `publicURL`'s host is loopback (`localhost`,
    /// 127.0.0.0/8, `[::1]`) and so is every router's address.
    public static func isLocalInstall(publicURL: String, routerAddresses: [IPAddress]) -> Bool {
        guard let host = URL(string: publicURL)?.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) else {
            return false
        }
        let local = host.lowercased() == "localhost" || (try? IPAddress(host))?.isLoopback == true
        return local && routerAddresses.allSatisfy(\.isLoopback)
    }

    /// Whether a sale through the sandbox may be made at a router at `routerAddress`.
    public func offered(publicURL: String, routerAddress: IPAddress) -> Bool {
        unsafeFakePayments || Self.isLocalInstall(publicURL: publicURL, routerAddresses: [routerAddress])
    }
}
