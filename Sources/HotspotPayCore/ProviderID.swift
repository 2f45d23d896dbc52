/// Which payment provider a transaction is paid through. A struct, not an enum, so that the
/// store can hold transactions of a provider this build no longer knows without failing to load.
public struct ProviderID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// The built-in offline provider: a local wallet page that signs its callback.
    public static let sandbox = ProviderID(rawValue: "sandbox")
    public static let momo = ProviderID(rawValue: "momo")
    public static let vnpay = ProviderID(rawValue: "vnpay")
    /// A VietQR bank transfer, confirmed by payOS, SePay or Casso.
    public static let vietqr = ProviderID(rawValue: "vietqr")

    public static let known: [ProviderID] = [.sandbox, .momo, .vnpay, .vietqr]

    /// Money taken at the counter by a cashier (recorded with the cashier's name).
    public static let cash = ProviderID(rawValue: "cash")
    /// Access sold by another system (a hotel's check-in) through the operator API, with its reference.
    public static let external = ProviderID(rawValue: "external")
    /// A voucher code redeemed on the portal, at its batch's price.
    public static let voucher = ProviderID(rawValue: "voucher")

    public var description: String { rawValue }
}
