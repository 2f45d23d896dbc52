/// A device's hardware address, the key a guest is known by across routers and visits.
///
/// Accepts the four spellings that routers, phones and operators use
/// (`AA:BB:CC:DD:EE:FF`, `aa-bb-cc-dd-ee-ff`, `aabb.ccdd.eeff`, `AABBCCDDEEFF`) and always prints
/// the canonical upper-case, colon-separated form, which is what MikroTik sends in
/// Calling-Station-Id by default.
public struct MACAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The six octets packed into the low 48 bits.
    public let value: UInt64

    /// Why a string is not a MAC address.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let input: String
        public var description: String {
            "'\(input)' is not a MAC address: expected AA:BB:CC:DD:EE:FF, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or AABBCCDDEEFF"
        }
    }

    public init(octets: [UInt8]) {
        precondition(octets.count == 6, "a MAC address has six octets")
        value = octets.reduce(0) { ($0 << 8) | UInt64($1) }
    }

    public init(_ text: String) throws(ParseError) {
        guard let hex = Self.hexDigits(of: text), hex.count == 12 else { throw ParseError(input: text) }
        var value: UInt64 = 0
        for digit in hex { value = (value << 4) | UInt64(digit) }
        self.value = value
    }

    /// Returns the twelve hex digit values if `text` is in one of the accepted layouts.
    private static func hexDigits(of text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        let separated: (UInt8, Int)?
        switch bytes.count {
        case 17 where bytes[2] == UInt8(ascii: ":"): separated = (UInt8(ascii: ":"), 2)
        case 17 where bytes[2] == UInt8(ascii: "-"): separated = (UInt8(ascii: "-"), 2)
        case 14: separated = (UInt8(ascii: "."), 4)
        case 12: separated = nil
        default: return nil
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(12)
        for (index, byte) in bytes.enumerated() {
            if let (separator, group) = separated, (index + 1) % (group + 1) == 0 {
                guard byte == separator else { return nil }
                continue
            }
            guard let digit = ASCIIHex.value(of: byte) else { return nil }
            digits.append(digit)
        }
        return digits
    }

    public var octets: [UInt8] { (0..<6).map { UInt8(truncatingIfNeeded: value >> (40 - 8 * UInt64($0))) } }

    /// The canonical form, e.g. `AA:BB:CC:DD:EE:FF`.
    public var description: String {
        octets.map { octet in
            let text = String(octet, radix: 16, uppercase: true)
            return octet < 16 ? "0" + text : text
        }.joined(separator: ":")
    }

    /// True for addresses a phone invents per network (iOS "Private Wi-Fi Address", Android
    /// randomized MAC): the grant then only lasts as long as the phone keeps that address.
    public var isLocallyAdministered: Bool { octets[0] & 0x02 != 0 }

    /// True for group addresses, which no single device can own.
    public var isMulticast: Bool { octets[0] & 0x01 != 0 }

    public static func < (lhs: MACAddress, rhs: MACAddress) -> Bool { lhs.value < rhs.value }
}

extension MACAddress: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
