// swift-tools-version:6.1
import PackageDescription

// Modules depend in one direction (docs/ARCHITECTURE.md): HotspotPayCore (pure domain) ← Store,
// Payments, Radius, QR (adapters) ← Access, Workers, Console, Config ← Portal (HTTP only) ←
// hotspotpay (the executable). Adapters depend on the core, never the reverse.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    // Debian's libfreeradius-dev omits freeradius/automask.h; ours (empty) is found here by every
    // module that sees the CFreeRADIUS headers, directly or through Radius.
    .unsafeFlags(["-Xcc", "-ISources/CFreeRADIUS/include"]),
]

let package = Package(
    name: "hotspotpay",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hotspotpay", targets: ["hotspotpay"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .target(name: "HotspotPayCore", swiftSettings: swiftSettings),
        .target(
            name: "Store",
            dependencies: [
                "HotspotPayCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Payments",
            dependencies: [
                "HotspotPayCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // libfreeradius from Debian's libfreeradius-dev; its libraries live in /usr/lib/freeradius.
        .systemLibrary(
            name: "CFreeRADIUS", path: "Sources/CFreeRADIUS",
            providers: [.apt(["libfreeradius-dev", "libtalloc-dev", "libpcre3-dev"])]),
        .target(
            name: "Radius",
            dependencies: [
                "HotspotPayCore", "CFreeRADIUS",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: [
                .unsafeFlags(["-L/usr/lib/freeradius", "-Xlinker", "-rpath", "-Xlinker", "/usr/lib/freeradius"])
            ]
        ),
        // Starting purchases and settling any provider verdict (callback, poller, sweeper) exactly once.
        .target(
            name: "Checkout",
            dependencies: [
                "HotspotPayCore", "Store", "Payments",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // The RADIUS server's answers from the store: routers, grants, sessions.
        .target(name: "Access", dependencies: ["HotspotPayCore", "Store", "Radius"], swiftSettings: swiftSettings),
        // A RouterOS v7 REST API client (server-side hotspot login, the router doctor), certificate pinned.
        .target(
            name: "RouterOSAPI",
            dependencies: [
                "HotspotPayCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // Background services: the unlock worker (CoA/Disconnect/login from the outbox) and the sweeper.
        .target(
            name: "Workers",
            dependencies: [
                "Checkout",
                "HotspotPayCore", "Store", "Radius", "Payments", "RouterOSAPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // The store on PostgreSQL, for several nodes on one database (issue 18; being built: the
        // schema and its migrations so far).
        .target(
            name: "PostgresStore",
            dependencies: [
                "HotspotPayCore", "Store",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Outbound webhooks: the signature, the address guard, the sender and the outbox's dispatcher.
        .target(
            name: "Webhooks",
            dependencies: [
                "HotspotPayCore", "Store",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // libxcrypt's yescrypt for operator passwords (libcrypt-dev, part of every Debian build setup).
        .systemLibrary(name: "CCrypt", path: "Sources/CCrypt", providers: [.apt(["libcrypt-dev"])]),
        // The operator console's service layer, shared by the HTTP API, the web UI and the CLI.
        .target(
            name: "Console",
            dependencies: [
                "HotspotPayCore", "Store", "Payments", "Radius", "CCrypt", "RouterOSAPI", "Checkout", "Webhooks",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CQREncode", path: "Sources/CQREncode", providers: [.apt(["libqrencode-dev"])]),
        .target(name: "QR", dependencies: ["CQREncode"], swiftSettings: swiftSettings),
        .target(
            name: "Config",
            dependencies: [
                "HotspotPayCore", "Payments", .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Portal",
            dependencies: [
                "Checkout",
                "HotspotPayCore",
                "Console",
                "Store",
                "Payments",
                "QR",
                "Radius",
                "RouterOSAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "hotspotpay",
            dependencies: [
                "Checkout",
                "HotspotSimulator",
                "HotspotPayCore",
                "Store",
                "PostgresStore",
                "Config",
                "Portal",
                "Payments",
                "Radius",
                "Access",
                "Workers",
                "Webhooks",
                "Console",
                "RouterOSAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmarks, not tests: run in release with scripts/bench, figures in BENCHMARKS.md.
        .executableTarget(
            name: "hotspotpay-bench",
            dependencies: [
                "HotspotSimulator", .product(name: "Crypto", package: "swift-crypto"),
                "HotspotPayCore", "Store", "PostgresStore", "Radius", "Payments", "TestSupport", "Console",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        // A MikroTik hotspot as RouterOS's manual describes it: the test peer for unlocks and the
        // demo's router. Depends on none of the daemon's modules, so it cannot share their mistakes.
        .target(
            name: "HotspotSimulator",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: ["HotspotPayCore", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        // Local servers that speak MoMo's, VNPay's and payOS's documented formats.
        .target(
            name: "FakeProviders",
            dependencies: [
                "Payments", "HotspotPayCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/FakeProviders",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HotspotPayCoreTests", dependencies: ["HotspotPayCore", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Store", "PostgresStore", "HotspotPayCore", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PaymentsTests",
            dependencies: [
                "Payments", "HotspotPayCore", "TestSupport", "FakeProviders",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RadiusTests",
            dependencies: [
                "Radius", "HotspotPayCore", "TestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AccessTests",
            dependencies: [
                "Access", "Radius", "Store", "HotspotPayCore", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkersTests",
            dependencies: [
                "Workers", "Store", "Radius", "Payments", "HotspotPayCore", "TestSupport", "FakeProviders",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsoleTests",
            dependencies: [
                "Console", "Store", "Payments", "HotspotPayCore", "TestSupport", "FakeProviders",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WebhooksTests",
            dependencies: [
                "Webhooks", "Store", "HotspotPayCore", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "QRTests", dependencies: ["QR", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ConfigTests", dependencies: ["Config", "HotspotPayCore", "TestSupport", "Payments"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CheckoutTests", dependencies: ["Checkout", "Store", "HotspotPayCore", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "PortalTests",
            dependencies: [
                "Checkout",
                "Portal", "Store", "HotspotPayCore", "TestSupport", "Payments", "FakeProviders",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "hotspotpayTests",
            dependencies: [
                "Checkout",
                "hotspotpay", "Store", "PostgresStore", "HotspotPayCore", "TestSupport", "Payments", "FakeProviders",
                "HotspotSimulator",
                "RouterOSAPI",
                "Radius", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
