/// A device's speed limit, from the guest's point of view (download and upload, bits per second).
///
/// RouterOS writes Mikrotik-Rate-Limit from the router's view, `rx/tx`, where rx is what the
/// router receives from the client (the guest's upload): ``mikrotikRateLimit`` does that swap in
/// one place so nobody else has to remember it.
public struct RateLimit: Hashable, Sendable, Codable {
    public var downloadBitsPerSecond: Int64
    public var uploadBitsPerSecond: Int64

    public init(downloadBitsPerSecond: Int64, uploadBitsPerSecond: Int64) {
        self.downloadBitsPerSecond = downloadBitsPerSecond
        self.uploadBitsPerSecond = uploadBitsPerSecond
    }

    /// Why a string is not a speed.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let input: String
        public var description: String {
            "'\(input)' is not a speed: expected bits per second with an optional k or M suffix, such as 512k, 10M or 2000000"
        }
    }

    /// Parses one speed in RouterOS notation: `512k`, `10M`, `1G`, or plain bits per second.
    public static func bitsPerSecond(_ text: String) throws(ParseError) -> Int64 {
        let body = text.trimmingSpaces()
        var digits = Substring(body)
        var multiplier: Int64 = 1
        switch body.last {
        case "k", "K":
            multiplier = 1000
            digits = digits.dropLast()
        case "M":
            multiplier = 1_000_000
            digits = digits.dropLast()
        case "G":
            multiplier = 1_000_000_000
            digits = digits.dropLast()
        default: break
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let value = Int64(digits), value > 0,
            value < 1_000_000_000_000
        else { throw ParseError(input: text) }
        return value * multiplier
    }

    /// Formats one speed the way RouterOS does: 10,000,000 → `10M`, 512,000 → `512k`.
    public static func format(bitsPerSecond value: Int64) -> String {
        if value % 1_000_000_000 == 0 { return "\(value / 1_000_000_000)G" }
        if value % 1_000_000 == 0 { return "\(value / 1_000_000)M" }
        if value % 1000 == 0 { return "\(value / 1000)k" }
        return "\(value)"
    }

    /// The Mikrotik-Rate-Limit value, `rx/tx` from the router's side: upload first.
    public var mikrotikRateLimit: String {
        Self.format(bitsPerSecond: uploadBitsPerSecond) + "/" + Self.format(bitsPerSecond: downloadBitsPerSecond)
    }

    /// For people: `↓10M ↑2M`.
    public var summary: String {
        "↓" + Self.format(bitsPerSecond: downloadBitsPerSecond) + " ↑" + Self.format(bitsPerSecond: uploadBitsPerSecond)
    }
}
