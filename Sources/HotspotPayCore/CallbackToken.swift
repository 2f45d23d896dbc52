/// A 128-bit random value put in a provider's callback URL (where the provider allows a query
/// string) and checked on arrival. It is never shown to the browser.
public struct CallbackToken: Hashable, Sendable, CustomStringConvertible {
    /// 32 lower-case hex digits.
    public let hex: String

    public init?(hex: String) {
        let isLowerHex = { (byte: UInt8) in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        }
        guard hex.utf8.count == 32, hex.utf8.allSatisfy(isLowerHex) else { return nil }
        self.hex = hex
    }

    public static func random(using generator: inout some RandomNumberGenerator) -> CallbackToken {
        let high = generator.next()
        let low = generator.next()
        return CallbackToken(unchecked: hex64(high) + hex64(low))
    }

    private init(unchecked: String) { hex = unchecked }

    private static func hex64(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    /// Redacted: the token is a credential.
    public var description: String { "••••" }
}
