import HotspotPayCore
import Logging

/// The providers switched on in the configuration, by id and by callback endpoint.
public struct PaymentProviders: Sendable {
    public let all: [any PaymentProvider]

    public init(_ providers: [any PaymentProvider]) { all = providers }

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
                SandboxProvider(secret: secret, walletBaseURL: publicURL + "/sandbox/wallet", ledger: sandboxLedger))
        }
        all = providers
    }

    public func provider(_ id: ProviderID) -> (any PaymentProvider)? { all.first { $0.id == id } }

    public func provider(for endpoint: CallbackEndpoint) -> (any PaymentProvider)? {
        all.first { $0.callbackEndpoints.contains(endpoint) }
    }

    public var sandbox: SandboxProvider? { all.lazy.compactMap { $0 as? SandboxProvider }.first }
}
