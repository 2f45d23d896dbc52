import Foundation
import HotspotPayCore
import Payments

/// Everything the daemon is configured with: one YAML file, secrets overridable from the
/// environment. ``embeddedDefaults(dataDirectory:)`` is what runs with no file at all.
public struct HotspotPayConfig: Sendable {
    /// Folder for the database (and, on embedded defaults, the generated key file).
    public var dataDirectory: String
    /// The SQLite file (relative paths are inside ``dataDirectory``), or a PostgreSQL URL
    /// (`postgres://user@host:port/db`) for several nodes on one database.
    public var database: String
    public var durability: Durability
    /// A file holding the encryption key, used when the environment names none.
    public var secretKeyFile: String?
    public var httpListen: ListenAddress
    /// The portal's address as guests' browsers and providers' callbacks reach it.
    public var publicURL: String
    /// The folder holding the portal's `templates/` and `i18n/`; nil looks in the usual places.
    public var portalDirectory: String?
    /// Reverse proxies whose `X-Forwarded-For` is believed (exact addresses).
    public var trustedProxies: [String] = []
    /// Checkouts allowed per device and per client address in 10 minutes.
    public var checkoutLimitPerDevice = 10
    public var checkoutLimitPerAddress = 300
    /// Whether open purchases are polled at their providers: `auto` does it when the public URL
    /// is one no provider can reach (loopback, private or link-local address, `.local` name).
    public var paymentPolling: PaymentPolling = .auto
    /// A CoA job left `sent` this long (its node died mid-send) is sent again.
    public var unlockResendAfterSeconds: Int64 = 60
    /// Outbound webhooks: retry schedule, timeout, and whether the venue's own network may be called.
    public var webhooks = WebhookOptions()
    public var radiusAuthListen: ListenAddress
    public var radiusAcctListen: ListenAddress
    public var sweeperIntervalSeconds: Int64
    public var paymentWindowSeconds: Int64
    public var providers: ProviderSettings
    /// Where each provider credential in use came from (by ``ProviderCredential/variable``).
    public var credentialSources: [String: CredentialSource] = [:]
    /// Things that work but are probably not what the operator wants (a provider waiting for its
    /// keys); printed by `check-config`, logged by `serve`.
    public var warnings: [String] = []
    /// Seeded into the database when missing; the database is the truth afterwards.
    public var routers: [Router]
    public var plans: [Plan]

    public init(
        dataDirectory: String, database: String = "hotspotpay.sqlite", durability: Durability = .normal,
        secretKeyFile: String? = nil, httpListen: ListenAddress = ListenAddress(host: "0.0.0.0", port: 8080),
        publicURL: String = "http://127.0.0.1:8080",
        radiusAuthListen: ListenAddress = ListenAddress(host: "0.0.0.0", port: 1812),
        radiusAcctListen: ListenAddress = ListenAddress(host: "0.0.0.0", port: 1813),
        sweeperIntervalSeconds: Int64 = 60,
        paymentWindowSeconds: Int64 = 900, providers: ProviderSettings = ProviderSettings(sandbox: SandboxSettings()),
        routers: [Router] = [], plans: [Plan] = []
    ) {
        self.dataDirectory = dataDirectory
        self.database = database
        self.durability = durability
        self.secretKeyFile = secretKeyFile
        self.httpListen = httpListen
        self.publicURL = publicURL
        self.radiusAuthListen = radiusAuthListen
        self.radiusAcctListen = radiusAcctListen
        self.sweeperIntervalSeconds = sweeperIntervalSeconds
        self.paymentWindowSeconds = paymentWindowSeconds
        self.providers = providers
        self.routers = routers
        self.plans = plans
    }

    /// True when ``database`` names a PostgreSQL server rather than a SQLite file.
    public var usesPostgres: Bool {
        let lowered = database.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// The database file's full path.
    public var databasePath: String {
        database.hasPrefix("/") ? database : dataDirectory + "/" + database
    }

    /// The offline demo: SQLite under `dataDirectory`, the sandbox provider, two demo plans and a
    /// demo router on this machine, and a generated key file beside the database.
    public static func embeddedDefaults(dataDirectory: String) -> HotspotPayConfig {
        HotspotPayConfig(
            dataDirectory: dataDirectory, secretKeyFile: dataDirectory + "/secret.key",
            httpListen: ListenAddress(host: "0.0.0.0", port: 8080), publicURL: "http://127.0.0.1:8080",
            radiusAuthListen: ListenAddress(host: "127.0.0.1", port: 1812),
            radiusAcctListen: ListenAddress(host: "127.0.0.1", port: 1813),
            providers: ProviderSettings(sandbox: SandboxSettings()),
            routers: [
                Router(
                    id: "demo", name: "Demo router", nasIdentifier: "hotspotpay-demo",
                    address: try! IPAddress("127.0.0.1"),
                    secret: Secret("demo-radius-secret-change-me"), coaPort: 3799, strategy: .login,
                    paidAttributes: [RadiusAttribute(name: "Mikrotik-Group", value: "paid")],
                    hotspotAddress: "10.5.50.1")
            ],
            plans: [
                Plan(
                    id: "1h", name: LocalizedText(vi: "1 giờ", en: "1 hour"), price: Money(dong: 10_000),
                    durationSeconds: 3600,
                    rateLimit: RateLimit(downloadBitsPerSecond: 10_000_000, uploadBitsPerSecond: 2_000_000),
                    displayOrder: 1),
                Plan(
                    id: "1d", name: LocalizedText(vi: "1 ngày", en: "1 day"), price: Money(dong: 30_000),
                    durationSeconds: 86_400, dataCapBytes: 5_000_000_000,
                    rateLimit: RateLimit(downloadBitsPerSecond: 20_000_000, uploadBitsPerSecond: 5_000_000),
                    displayOrder: 2),
            ])
    }
}

/// `payments.poll`: ask providers about open purchases instead of (or besides) waiting for callbacks.
public enum PaymentPolling: String, Sendable, CaseIterable {
    case auto, on, off

    /// Whether to poll for a portal published at `publicURL`.
    public func enabled(publicURL: String) -> Bool {
        switch self {
        case .on: return true
        case .off: return false
        case .auto: return Self.unreachable(publicURL)
        }
    }

    /// True when no provider on the Internet could call `publicURL` back.
    static func unreachable(_ publicURL: String) -> Bool {
        guard let host = URL(string: publicURL)?.host?.lowercased() else { return true }
        if host == "localhost" || host.hasSuffix(".local") || host.hasSuffix(".lan") || host == "::1" { return true }
        let parts = host.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 4 else { return false }
        switch (parts[0], parts[1]) {
        case (127, _), (10, _), (192, 168), (169, 254): return true
        case (172, 16...31), (100, 64...127): return true  // private, carrier-grade NAT
        default: return false
        }
    }
}

/// `webhooks:` in the config file.
public struct WebhookOptions: Sendable, Hashable {
    /// The waits after each failed attempt; the delivery is dead after the last.
    public var retry: WebhookRetrySchedule = .standard
    public var timeoutSeconds: Int64 = 10
    /// Endpoints on loopback, private and link-local addresses (a PMS on the hotel's LAN) are
    /// refused unless this is on.
    public var allowPrivateAddresses = false
    public init() {}
}
