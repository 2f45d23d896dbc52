/// An amount of Vietnamese đồng. Integer only: no floating point is ever near money, and VND has
/// no minor unit in practice (VNPay's ×100 is a wire detail kept in the VNPay adapter).
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let dong: Int64

    public init(dong: Int64) { self.dong = dong }

    public static let zero = Money(dong: 0)

    /// Why a string is not an amount of money.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let input: String
        public var description: String {
            "'\(input)' is not an amount in VND: expected whole đồng such as 10000, 10.000, 10,000 or 10k"
        }
    }

    /// Parses what an operator types: `10000`, `10.000`, `10,000`, `10 000` or `10k`.
    /// A separator must be followed by exactly three digits, so `10.5` is refused instead of
    /// being read as ten đồng.
    public init(parsing text: String) throws(ParseError) {
        var body = Substring(text.trimmingSpaces())
        var multiplier: Int64 = 1
        if let last = body.last, last == "k" || last == "K" {
            multiplier = 1000
            body = body.dropLast()
        }
        let groups = body.split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "." || $0 == "," || $0 == " " || $0 == "_" })
        guard let first = groups.first, !first.isEmpty, first.count <= 15 else { throw ParseError(input: text) }
        var value: Int64 = 0
        for (index, group) in groups.enumerated() {
            guard group.allSatisfy(\.isASCIIDigit), index == 0 || group.count == 3 else {
                throw ParseError(input: text)
            }
            guard let number = Int64(group) else { throw ParseError(input: text) }
            value = value * (index == 0 ? 1 : 1000) + number
        }
        let (result, overflow) = value.multipliedReportingOverflow(by: multiplier)
        guard !overflow, value <= 1_000_000_000_000 else { throw ParseError(input: text) }
        self.dong = result
    }

    /// `10.000 ₫` in Vietnamese, `10,000 VND` in English.
    public func formatted(_ language: Language) -> String {
        switch language {
        case .vi: grouped(separator: ".") + " ₫"
        case .en: grouped(separator: ",") + " VND"
        }
    }

    public var description: String { formatted(.en) }

    private func grouped(separator: Character) -> String {
        let digits = Array(String(dong.magnitude))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(separator) }
            out.append(digit)
        }
        return dong < 0 ? "-" + out : out
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.dong < rhs.dong }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(dong: lhs.dong + rhs.dong) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(dong: lhs.dong - rhs.dong) }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

extension Money: Codable {
    /// Encoded as a bare integer of đồng, the form every provider API uses.
    public init(from decoder: any Decoder) throws {
        dong = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(dong)
    }
}
