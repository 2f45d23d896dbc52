/// The code the portal shows a guest's device for the cashier, e.g. `K7QX-2M9P-4TC`: its MAC
/// written in ten characters of ``OrderCode``'s alphabet (no look-alikes) and a check character,
/// grouped by four, so it can be read out and typed on a phone. The check character (Luhn mod 30)
/// refuses every single mistyped character and every swap of two neighbours but `2Z`↔`Z2`, so a
/// typo does not sell access to a device nobody has. It is the MAC itself, not a secret: the cashier's sale is what
/// gives access, and the portal shows the device only its own code.
public struct DeviceCode: Hashable, Sendable, CustomStringConvertible {
    /// Characters typed: ten for the MAC, one to check them.
    public static let length = 11
    public let mac: MACAddress

    public init(mac: MACAddress) { self.mac = mac }

    /// Why a string is not a device code.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let input: String
        /// The characters are the right kind and number, but they do not check: one was mistyped.
        public var mistyped = false
        public var description: String {
            mistyped
                ? "'\(input.prefix(40))' is not the code of any device: a character is mistyped (its check "
                    + "character does not match); read it again on the guest's screen"
                : "'\(input.prefix(40))' is not a device code: expected \(DeviceCode.length) characters (dashes and "
                    + "spaces ignored) from \(String(decoding: OrderCode.alphabet, as: UTF8.self))"
        }
    }

    /// Accepts lower case, dashes and spaces.
    public init(_ text: String) throws(ParseError) {
        let characters = Array(text.uppercased().utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") })
        guard characters.count == Self.length else { throw ParseError(input: text) }
        var digits: [Int] = []
        for character in characters {
            guard let digit = OrderCode.alphabet.firstIndex(of: character) else { throw ParseError(input: text) }
            digits.append(digit)
        }
        guard Self.checkDigit(digits.dropLast()) == digits.last else { throw ParseError(input: text, mistyped: true) }
        var value: UInt64 = 0
        for digit in digits.dropLast() {
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
        var digits: [Int] = []
        for _ in 0..<(Self.length - 1) {
            digits.append(Int(value % UInt64(OrderCode.alphabet.count)))
            value /= UInt64(OrderCode.alphabet.count)
        }
        digits.reverse()
        digits.append(Self.checkDigit(digits[...]))
        let text = Array(String(decoding: digits.map { OrderCode.alphabet[$0] }, as: UTF8.self))
        return String(text[0..<4]) + "-" + String(text[4..<8]) + "-" + String(text[8...])
    }

    /// Luhn mod 30 over `digits` (alphabet positions): the character that makes the whole code check.
    static func checkDigit(_ digits: ArraySlice<Int>) -> Int {
        let base = OrderCode.alphabet.count
        var factor = 2
        var sum = 0
        for digit in digits.reversed() {
            let addend = factor * digit
            sum += addend / base + addend % base
            factor = factor == 2 ? 1 : 2
        }
        return (base - sum % base) % base
    }
}
