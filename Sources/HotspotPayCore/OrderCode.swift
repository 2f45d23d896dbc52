/// The short code a guest reads out or types in a bank memo, e.g. `WF7K2Q`.
///
/// Six characters from an alphabet without look-alikes (no 0, O, 1, I, L, U): 30⁶ ≈ 729
/// million codes, so a collision is rare and the store's unique index turns it into a retry.
public struct OrderCode: Hashable, Sendable, Codable, CustomStringConvertible {
    public static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    public static let length = 6

    public let description: String

    /// Why a string is not an order code.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let input: String
        public var description: String {
            "'\(input)' is not an order code: expected \(OrderCode.length) characters from \(String(decoding: OrderCode.alphabet, as: UTF8.self))"
        }
    }

    /// Accepts lower case too: guests type codes on phones.
    public init(_ text: String) throws(ParseError) {
        let upper = text.trimmingSpaces().uppercased()
        guard upper.utf8.count == Self.length, upper.utf8.allSatisfy(Self.alphabet.contains) else {
            throw ParseError(input: text)
        }
        description = upper
    }

    public static func random(using generator: inout some RandomNumberGenerator) -> OrderCode {
        let characters = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
        return OrderCode(unchecked: String(decoding: characters, as: UTF8.self))
    }

    private init(unchecked: String) { description = unchecked }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
