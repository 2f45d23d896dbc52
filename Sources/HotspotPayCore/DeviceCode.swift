/// The code the portal shows a guest's device for the cashier, e.g. `K7QX2-M9P4T`: its MAC
/// written in ten characters of ``OrderCode``'s alphabet (no look-alikes), grouped by five, so it
/// can be read out and typed on a phone. It is the MAC itself, not a secret: the cashier's sale
/// is what gives access, and the portal shows the device only its own code.
public struct DeviceCode: Hashable, Sendable, CustomStringConvertible {
    public static let length = 10
    public let mac: MACAddress

    public init(mac: MACAddress) { self.mac = mac }

    /// Why a string is not a device code.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let input: String
        public var description: String {
            "'\(input.prefix(40))' is not a device code: expected \(DeviceCode.length) characters (dashes and spaces "
                + "ignored) from \(String(decoding: OrderCode.alphabet, as: UTF8.self))"
        }
    }

    /// Accepts lower case, dashes and spaces.
    public init(_ text: String) throws(ParseError) {
        let characters = Array(text.uppercased().utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") })
        guard characters.count == Self.length else { throw ParseError(input: text) }
        var value: UInt64 = 0
        for character in characters {
            guard let digit = OrderCode.alphabet.firstIndex(of: character) else { throw ParseError(input: text) }
            let (times, overflowA) = value.multipliedReportingOverflow(by: UInt64(OrderCode.alphabet.count))
            let (sum, overflowB) = times.addingReportingOverflow(UInt64(digit))
            guard !overflowA, !overflowB else { throw ParseError(input: text) }
            value = sum
        }
        guard value < 1 << 48 else { throw ParseError(input: text) }
        mac = MACAddress(octets: (0..<6).map { UInt8(truncatingIfNeeded: value >> (40 - 8 * UInt64($0))) })
    }

    public var description: String {
        var value = mac.value
        var characters: [UInt8] = []
        for _ in 0..<Self.length {
            characters.append(OrderCode.alphabet[Int(value % UInt64(OrderCode.alphabet.count))])
            value /= UInt64(OrderCode.alphabet.count)
        }
        let text = String(decoding: characters.reversed(), as: UTF8.self)
        return String(text.prefix(5)) + "-" + String(text.suffix(5))
    }
}
