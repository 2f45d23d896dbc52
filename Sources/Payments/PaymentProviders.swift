import HotspotPayCore
import Logging
import Synchronization

/// The providers switched on in the configuration, by id and by callback endpoint. Copies share
/// one list, so credentials changed in the console reach every holder at once
/// (``replaceConfigured(with:)``).
public struct PaymentProviders: Sendable {
    private final class Shared: Sendable {
        let providers: Mutex<[any PaymentProvider]>
        init(_ providers: [any PaymentProvider]) { self.providers = Mutex(providers) }
    }
    private let shared: Shared

    public var all: [any PaymentProvider] { shared.providers.withLock { $0 } }

    public init(_ providers: [any PaymentProvider]) { shared = Shared(providers) }

    /// Builds every configured provider. The sandbox secret is random per start unless
    /// configured: its callbacks are produced by this very process.
    public init(
        settings: ProviderSettings, publicURL: String, http: any ProviderHTTPClient, logger: Logger,
        sandboxLedger: SandboxLedger = SandboxLedger()
    ) {
        var providers: [any PaymentProvider] = []
        if let momo = settings.momo { providers.append(MoMoProvider(settings: momo, http: http, logger: logger)) }
        if let vnpay = settings.vnpay { providers.append(VNPayProvider(settings: vnpay, http: http, logger: logger)) }
        if let vietqr = settings.vietqr {
            providers.append(VietQRProvider(settings: vietqr, http: http, logger: logger))
        }
        if let sandbox = settings.sandbox {
            var generator = SystemRandomNumberGenerator()
            let secret = sandbox.secret ?? Secret(CallbackToken.random(using: &generator).hex)
            providers.append(
                SandboxProvider(
                    secret: secret, walletBaseURL: publicURL + "/sandbox/wallet", ledger: sandboxLedger,
                    unsafeFakePayments: sandbox.unsafeFakePayments))
        }
        shared = Shared(providers)
    }

    /// Takes the providers of `other` in place of these, keeping this sandbox (its secret may be
    /// random per start, and its wallet's pending payments live in its ledger).
    public func replaceConfigured(with other: PaymentProviders) {
        let kept = sandbox
        let fresh = other.all.filter { !($0 is SandboxProvider) } + (kept.map { [$0] } ?? [])
        shared.providers.withLock { $0 = fresh }
    }

    public func provider(_ id: ProviderID) -> (any PaymentProvider)? { all.first { $0.id == id } }

    public func provider(for endpoint: CallbackEndpoint) -> (any PaymentProvider)? {
        all.first { $0.callbackEndpoints.contains(endpoint) }
    }

    public var sandbox: SandboxProvider? { all.lazy.compactMap { $0 as? SandboxProvider }.first }
}
