/// A voucher's code as printed on its card, e.g. `K7QX-M9P4-T2AB`: twelve characters from
/// ``OrderCode``'s alphabet (no 0/O, 1/I/L, U), 30¹² ≈ 2⁵⁹ possibilities, grouped by four so a
/// guest can type it on a phone. Typed in lower case, without dashes or with spaces, it is the
/// same code.
public struct VoucherCode: Hashable, Sendable, CustomStringConvertible {
    public static let length = 12

    /// The twelve characters without dashes, upper case: what the store keeps.
    public let value: String

    /// Why a text is not a voucher code.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let input: String
        public var description: String {
            "'\(input.prefix(40))' is not a voucher code: expected 12 letters and digits like K7QX-M9P4-T2AB"
        }
    }

    public init(_ text: String) throws(ParseError) {
        guard let characters = TypedCode.characters(text, count: Self.length) else { throw ParseError(input: text) }
        value = String(decoding: characters, as: UTF8.self)
    }

    public static func random(using generator: inout some RandomNumberGenerator) -> VoucherCode {
        let characters = (0..<length).map { _ in OrderCode.alphabet.randomElement(using: &generator)! }
        return try! VoucherCode(String(decoding: characters, as: UTF8.self))
    }

    /// Grouped for printing: `K7QX-M9P4-T2AB`.
    public var description: String {
        TypedCode.grouped(value, by: 4)
    }
}
