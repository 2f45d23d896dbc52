/// The secret that proves a purchase's buyer, e.g. `K7QX-M9P4-T2AB`: it moves the purchase's
/// pass to another device (a phone that shows the venue a new MAC) and makes a new browser the
/// buyer's. Twelve characters from ``OrderCode``'s alphabet, 30¹² ≈ 2⁵⁹ possibilities.
///
/// Unlike the ``OrderCode`` (a public reference for bank memos and support, visible to anyone who
/// knows the device's MAC) it is shown only to the buyer's browser after payment, and the store
/// keeps only its digest. Typed in lower case, without dashes or with spaces, it is the same code.
public struct ReceiptCode: Hashable, Sendable, CustomStringConvertible {
    public static let length = 12

    /// The twelve characters without dashes, upper case.
    public let value: String

    /// Why a text is not a receipt code.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let input: String
        public var description: String {
            "'\(input.prefix(40))' is not a receipt code: expected \(ReceiptCode.length) letters and digits like "
                + "K7QX-M9P4-T2AB"
        }
    }

    public init(_ text: String) throws(ParseError) {
        guard let characters = TypedCode.characters(text, count: Self.length) else { throw ParseError(input: text) }
        value = String(decoding: characters, as: UTF8.self)
    }

    /// The code written by `bytes` (a digest of at least 24 bytes): each character from two bytes,
    /// so the alphabet's 30 letters are equally likely to within 1 in 4,000.
    public init(digest bytes: some Sequence<UInt8>) {
        let bytes = Array(bytes)
        precondition(bytes.count >= 2 * Self.length, "a receipt code needs \(2 * Self.length) bytes")
        let alphabet = OrderCode.alphabet
        value = String(
            decoding: (0..<Self.length).map { index in
                let pair = Int(bytes[2 * index]) << 8 | Int(bytes[2 * index + 1])
                return alphabet[pair % alphabet.count]
            }, as: UTF8.self)
    }

    /// Grouped for reading: `K7QX-M9P4-T2AB`.
    public var description: String {
        TypedCode.grouped(value, by: 4)
    }
}
