import Foundation
import HotspotPayCore

/// Sample domain values and places on disk shared by the test targets.
public enum Fixtures {
    /// `Tests/Fixtures` in the source tree.
    public static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures")
    }

    /// The repository root.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    public static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A fresh empty folder under the system temporary directory.
    public static func temporaryDirectory(_ label: String = #function) throws -> URL {
        let safe = label.filter { $0.isLetter || $0.isNumber }.prefix(40)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hotspotpay-\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    public static func plan(
        id: String = "1h", price: Int64 = 10_000, seconds: Int64 = 3600, dataCap: Int64? = nil, active: Bool = true
    ) -> Plan {
        Plan(
            id: id, name: LocalizedText(vi: "Gói \(id)", en: "Plan \(id)"), price: Money(dong: price),
            durationSeconds: seconds,
            dataCapBytes: dataCap,
            rateLimit: RateLimit(downloadBitsPerSecond: 10_000_000, uploadBitsPerSecond: 2_000_000),
            isActive: active)
    }

    public static func router(id: String = "cafe", address: String = "10.0.0.1", strategy: UnlockStrategy = .coa)
        -> Router
    {
        Router(
            id: id, name: "Router \(id)", nasIdentifier: "nas-\(id)", address: try! IPAddress(address),
            secret: Secret("router-secret-\(id)-0123456789"), strategy: strategy,
            captiveAttributes: [RadiusAttribute(name: "Mikrotik-Group", value: "portal-only")],
            paidAttributes: [RadiusAttribute(name: "Mikrotik-Group", value: "paid")])
    }

    public static let mac = try! MACAddress("AA:BB:CC:DD:EE:01")

    public static func transaction(
        plan: Plan = plan(), mac: MACAddress = mac, router: String = "cafe", provider: ProviderID = .sandbox,
        now: Date = Date(), window: Int64 = 900
    ) -> Transaction {
        var generator = SystemRandomNumberGenerator()
        return Transaction.pending(
            plan: plan, mac: mac, clientIP: try! IPAddress("10.5.50.7"), routerID: router, provider: provider, now: now,
            paymentWindowSeconds: window, using: &generator)
    }
}

/// A deterministic generator (SplitMix64) for tests that need repeatable random values.
public struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
