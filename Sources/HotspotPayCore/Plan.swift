/// A package a guest can buy: "1 giờ", "1 ngày", "5 GB". Prices are in whole đồng.
public struct Plan: Hashable, Sendable, Codable, Identifiable {
    public var id: String
    public var name: LocalizedText
    public var price: Money
    /// How long access lasts after payment, in seconds.
    public var durationSeconds: Int64
    /// Total data (download + upload) the plan allows, or nil for unlimited.
    public var dataCapBytes: Int64?
    /// The device's speed while the plan is active, or nil for the router's default.
    public var rateLimit: RateLimit?
    /// Inactive plans are not offered to guests but keep their sales history.
    public var isActive: Bool
    /// Lower numbers are listed first on the portal.
    public var displayOrder: Int

    public init(
        id: String, name: LocalizedText, price: Money, durationSeconds: Int64, dataCapBytes: Int64? = nil,
        rateLimit: RateLimit? = nil, isActive: Bool = true, displayOrder: Int = 0
    ) {
        self.id = id
        self.name = name
        self.price = price
        self.durationSeconds = durationSeconds
        self.dataCapBytes = dataCapBytes
        self.rateLimit = rateLimit
        self.isActive = isActive
        self.displayOrder = displayOrder
    }

    /// The smallest price the wallets accept (MoMo captureWallet: 1,000 ₫).
    public static let minimumPrice = Money(dong: 1000)
    /// The largest price MoMo accepts for one payment.
    public static let maximumPrice = Money(dong: 50_000_000)

    /// Everything wrong with this plan, empty when it can be sold.
    public var problems: [ValidationProblem] {
        var problems = Slug.problems(id)
        if name.vi.trimmingSpaces().isEmpty {
            problems.append(ValidationProblem(field: "name_vi", message: "a Vietnamese name is required"))
        }
        if name.vi.count > 80 || name.en.count > 80 {
            problems.append(ValidationProblem(field: "name", message: "names are at most 80 characters"))
        }
        if price < Self.minimumPrice || price > Self.maximumPrice {
            problems.append(
                ValidationProblem(
                    field: "price",
                    message:
                        "\(price.dong) is out of range: expected \(Self.minimumPrice.dong) to \(Self.maximumPrice.dong) VND"
                ))
        }
        if durationSeconds < 60 || durationSeconds > 366 * 86_400 {
            problems.append(ValidationProblem(field: "duration", message: "expected between 1m and 366d"))
        }
        if let cap = dataCapBytes, cap < 1_000_000 {
            problems.append(ValidationProblem(field: "data_cap", message: "expected at least 1MB, or no cap"))
        }
        if let rate = rateLimit, rate.downloadBitsPerSecond < 8000 || rate.uploadBitsPerSecond < 8000 {
            problems.append(ValidationProblem(field: "rate", message: "speeds below 8k are not usable"))
        }
        return problems
    }

    /// Throws every problem at once when the plan is not valid.
    public func validated() throws(ValidationError) -> Plan {
        try ValidationError.check(problems)
        return self
    }
}
