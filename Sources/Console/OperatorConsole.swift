import HotspotPayCore
import Logging
import Payments
import RouterOSAPI
import Store
import Webhooks

/// The console's services wired to one store, so the HTTP API, the web pages and the CLI run
/// the very same code for each operation.
public struct OperatorConsole: Sendable {
    public let accounts: OperatorAccounts
    public let plans: PlanCatalog
    public let routers: RouterRegistry
    public let sales: SalesLedger
    /// Stuck sales: ask the provider now, send the unlock again.
    public let saleDesk: SaleDesk
    public let grants: GrantDesk
    public let refunds: RefundDesk
    /// Money received without access.
    public let unapplied: UnappliedMoneyDesk
    public let dashboard: Dashboard
    /// Voucher batches: make, list, print, export, withdraw.
    public let vouchers: VoucherDesk
    /// Outbound webhooks: endpoints, delivery log, test events, sending again.
    public let webhooks: WebhookDesk
    /// Payment providers' credentials, write-only.
    public let providerKeys: ProviderKeysDesk
    public let venue: VenueTime

    public init(
        store: any HotspotStore, providers: PaymentProviders, logger: Logger,
        hasher: any PasswordHasher = CryptPasswordHasher(), throttle: LoginThrottle = LoginThrottle(),
        venue: VenueTime = VenueTime(), unlocks: any UnlockDispatch = StoredUnlocksOnly(),
        routerExpectations: RouterDoctor.Expectations = .init(),
        outbound: OutboundAddressGuard = OutboundAddressGuard(allowPrivateAddresses: false),
        credentialSources: @escaping @Sendable () -> [String: CredentialSource] = { [:] },
        applyProviderKeys: ProviderKeysDesk.Applier? = nil, sharedLimits: Bool = false,
        seenDevices: SeenDevices? = nil
    ) {
        accounts = OperatorAccounts(
            store: store, hasher: hasher, throttle: throttle, sharedLimits: sharedLimits ? store : nil)
        plans = PlanCatalog(store: store)
        routers = RouterRegistry(store: store, expectations: routerExpectations)
        sales = SalesLedger(store: store, venue: venue)
        saleDesk = SaleDesk(store: store, providers: providers, unlocks: unlocks, seenDevices: seenDevices)
        grants = GrantDesk(store: store, unlocks: unlocks)
        refunds = RefundDesk(store: store, providers: providers, grants: grants, logger: logger)
        unapplied = UnappliedMoneyDesk(
            store: store, providers: providers, logger: logger, unlocks: unlocks)
        dashboard = Dashboard(store: store, venue: venue)
        vouchers = VoucherDesk(store: store, venue: venue)
        webhooks = WebhookDesk(store: store, addressGuard: outbound)
        providerKeys = ProviderKeysDesk(
            store: store, sources: credentialSources, enabled: { providers.all.map(\.id) }, apply: applyProviderKeys)
        self.venue = venue
    }
}
