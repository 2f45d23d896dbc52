import Access
import Checkout
import Config
import Console
import Foundation
import HotspotPayCore
import Hummingbird
import Logging
import Metrics
import Payments
import Portal
import PostgresStore
import Prometheus
import Radius
import ServiceLifecycle
import Store
import Webhooks
import Workers

/// The daemon as `serve` runs it: the store, the providers, the portal and the operator console
/// over HTTP, the RADIUS server, the unlock worker, the sweeper and (when needed) the poller, as one
/// service group stopped gracefully on SIGTERM/SIGINT.
struct Daemon {
    let services: ServiceGroup
    let coa: CoAClient

    func run() async throws {
        try await services.run()
        await coa.close()
    }
}

/// Builds the daemon for `config` (the overrides of the command line already applied), in one
/// place apart from the command, as Hummingbird's `buildApplication`, so what the tests start is
/// what runs.
func buildDaemon(runtime: Runtime, config: HotspotPayConfig, logger: Logger) async throws -> Daemon {
    let store = try await runtime.openStore()
    // Refuse to run with secrets we cannot open: better now than at the first RADIUS packet.
    try await store.checkSecretKey()
    let seeded = try await runtime.seed(store)
    if seeded.plans + seeded.routers > 0 {
        logger.info("seeded from config", metadata: ["plans": "\(seeded.plans)", "routers": "\(seeded.routers)"])
    }
    if runtime.usesEmbeddedDefaults {
        logger.notice(
            "running on embedded defaults (demo): sandbox payments only, key file beside the database",
            metadata: ["database": "\(config.databasePath)"])
    }

    let urls = PortalURLs(publicURL: config.publicURL)
    let providers = PaymentProviders(
        settings: config.providers, publicURL: urls.publicURL, http: AsyncHTTPProviderClient(), logger: logger)
    let checkout = CheckoutService(
        store: store, providers: providers, urls: urls, paymentWindowSeconds: config.paymentWindowSeconds)
    let portalDirectory = try PortalPages.locate(configured: config.portalDirectory)
    let pages = try await PortalPages.load(directory: portalDirectory)
    // Several nodes count each limit together in the database; one node counts in memory.
    let sharedLimits: (any ThrottleStore)? = store is PostgresStore ? store : nil
    let throttle = CheckoutThrottle(
        perDevice: .init(attempts: config.checkoutLimitPerDevice, windowSeconds: 600),
        perAddress: .init(attempts: config.checkoutLimitPerAddress, windowSeconds: 600), shared: sharedLimits)
    let demoRouter =
        runtime.usesEmbeddedDefaults
        ? config.routers.first.map { demo in
            DemoRouter(
                nasIdentifier: demo.nasIdentifier, secret: demo.secret.reveal, coaPort: demo.coaPort, logger: logger
            )
        } : nil
    var guestOptions = GuestPages.Options(demo: runtime.usesEmbeddedDefaults)
    if let demoRouter {
        guestOptions.demoDeviceSeen = { @Sendable mac in await demoRouter.deviceSeen(mac: mac) }
    }
    // RADIUS reads grants and routers without waiting on the network: SQLite's file is local;
    // on PostgreSQL each node holds them in memory, kept current by LISTEN/NOTIFY.
    let access: any AccessLookup
    var accessView: PostgresAccessView?
    if let postgres = store as? PostgresStore {
        let view = PostgresAccessView(store: postgres, resyncSeconds: 30, logger: logger)
        try await view.load()
        access = view
        accessView = view
    } else if let sqlite = store as? SQLiteStore {
        access = sqlite
    } else {
        throw RuntimeError("no access lookup for the store at \(store.location)")
    }
    // One view of the routers for the RADIUS server, the unlock worker and the guest pages.
    let routerSnapshot = RouterSnapshot(access)
    try RadiusDictionary.load()
    let coa = try await CoAClient.start(logger: logger)
    var unlockSettings = UnlockWorker.Settings()
    unlockSettings.stuckAfterSeconds = Double(config.unlockResendAfterSeconds)
    let unlocker = UnlockWorker(
        stores: .init(
            jobs: store, grants: store, sessions: store, routers: access, transactions: store, audit: store),
        messenger: coa, routers: routerSnapshot, settings: unlockSettings, logger: logger)
    guestOptions.vouchers = VoucherRedeemer(store: store, unlocks: unlocker)
    guestOptions.moves = GrantMover(store: store, unlocks: unlocker)
    // The plans page notes each device it shows a counter code to; the cash desk asks about others.
    let seenDevices = SeenDevices()
    guestOptions.seenDevices = seenDevices
    let guestPages = GuestPages(
        store: store, routers: routerSnapshot, checkout: checkout, pages: pages, throttle: throttle,
        codeLimits: GuestCodeLimits(shared: sharedLimits), options: guestOptions,
        proxies: TrustedProxies(config.trustedProxies))
    let sweeper = Sweeper(
        store: store, providers: providers, settings: .init(intervalSeconds: Double(config.sweeperIntervalSeconds)),
        logger: logger, unlocks: unlocker)
    let polling = config.paymentPolling.enabled(publicURL: config.publicURL)
    let poller = PaymentPoller(
        store: store, providers: providers, logger: logger, unlocks: unlocker)
    if polling {
        logger.notice(
            "polling providers for open purchases",
            metadata: ["public_url": "\(config.publicURL)", "payments.poll": "\(config.paymentPolling.rawValue)"])
    }
    let callbacks = CallbackService(store: store, providers: providers, logger: logger, unlocks: unlocker)
    let router = Hummingbird.Router(context: PortalRequestContext.self)
    PortalRoutes(store: store, checkout: checkout, callbacks: callbacks, guestPages: guestPages).register(
        on: router)
    let outbound = OutboundAddressGuard(allowPrivateAddresses: config.webhooks.allowPrivateAddresses)
    let providerReload = ProviderReload(
        config: config, configPath: runtime.configPath, environment: runtime.environment, store: store,
        providers: providers, publicURL: urls.publicURL, logger: logger)
    let console = OperatorConsole(
        store: store, providers: providers, logger: logger, unlocks: unlocker,
        routerExpectations: config.doctorExpectations, outbound: outbound,
        credentialSources: { providerReload.currentSources }, applyProviderKeys: providerReload.applier,
        sharedLimits: store is PostgresStore, seenDevices: seenDevices)
    var webhookSettings = WebhookDispatcher.Settings()
    webhookSettings.retry = config.webhooks.retry
    webhookSettings.timeoutSeconds = Double(config.webhooks.timeoutSeconds)
    let webhooks = WebhookDispatcher(
        store: store, sender: HTTPWebhookSender(), addressGuard: outbound, settings: webhookSettings, logger: logger)
    AdminAPIRoutes(console: console, idempotency: store).register(on: router)
    AdminWebRoutes(
        console: console, pages: try await AdminWebRoutes.loadPages(portalDirectory: portalDirectory),
        secureCookies: config.publicURL.hasPrefix("https://"),
        routerScript: { [config] router in try RouterOSScript.forConfig(config, router: router).text },
        proxies: TrustedProxies(config.trustedProxies), publicURL: config.publicURL,
        unsafeFakePayments: config.providers.sandbox?.unsafeFakePayments == true
    ).register(on: router)
    if config.providers.sandbox?.unsafeFakePayments == true {
        logger.critical(
            "providers.sandbox.unsafe_fake_payments is on: any guest can get online with a fake sandbox payment")
    }
    if store is PostgresStore, runtime.configPath != nil, let problem = await providerReload.apply() {
        logger.warning("provider keys stored in the database not applied", metadata: ["error": "\(problem)"])
    }
    _ = try await store.removeExpiredOperatorSessions(at: Date())
    for warning in try await store.routers().flatMap(\.setupWarnings) { logger.warning("\(warning)") }
    for warning in config.warnings { logger.warning("\(warning)") }
    if try await store.operators().isEmpty {
        logger.notice(
            "no operator account yet: create one with `hotspotpay operators add --username NAME` to use the console at /admin"
        )
    }
    let host = config.httpListen.host
    let publicURL = config.publicURL
    let routers = StoreRouters(snapshot: routerSnapshot)
    let logins = RecentLogins()
    let processor = RadiusRequestProcessor(
        directory: routers, policy: StoreAccessPolicy(grants: access, routers: routers, logins: logins),
        accounting: StoreAccountingSink(sessions: store, logins: logins), logger: logger)
    let metrics = DaemonMetrics(store: store, radius: processor.counters, accessView: accessView)
    MetricsRoute(registry: DaemonMetrics.registry, accounts: console.accounts, collect: { await metrics.collect() })
        .register(on: router)
    let radius = RadiusServer(
        processor: processor,
        authentication: .init(host: config.radiusAuthListen.host, port: config.radiusAuthListen.port),
        accounting: .init(host: config.radiusAcctListen.host, port: config.radiusAcctListen.port), logger: logger,
        onBound: { auth, acct in
            FileHandle.standardOutput.write(
                Data("hotspotpay: RADIUS listening on auth \(auth), acct \(acct)\n".utf8))
            demoRouter?.start(authPort: auth, accountingPort: acct)
        })
    let app = Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(host, port: config.httpListen.port), serverName: "hotspotpay"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? 0
            let shownHost = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
            // One line on stdout that people and tests can wait for.
            FileHandle.standardOutput.write(
                Data(
                    "hotspotpay: portal listening on http://\(shownHost):\(port)/ (public URL \(publicURL))\n".utf8)
            )
        },
        logger: logger)
    let services = ServiceGroup(
        configuration: ServiceGroupConfiguration(
            services: [
                .init(service: app), .init(service: radius), .init(service: unlocker), .init(service: sweeper),
                .init(service: webhooks),
            ] + (polling ? [.init(service: poller)] : []) + (demoRouter.map { [.init(service: $0)] } ?? [])
                + (accessView.map { [.init(service: AccessViewService(view: $0))] } ?? []),
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
    return Daemon(services: services, coa: coa)
}
