/// The password a device logs in with on a router that uses the `login` strategy
/// (username = the device's MAC). Made per transaction when it is created and shown only to
/// that device's browser, which submits it to the router's login page after payment.
///
/// Eight characters from an alphabet without look-alikes: short enough for the router's login
/// form and for CHAP, random enough (30⁸ ≈ 6.6 × 10¹¹) that guessing one during a grant's
/// lifetime is hopeless, and it opens nothing without a paid grant for the same MAC.
public struct LoginSecret: Hashable, Sendable, CustomStringConvertible {
    public static let length = 8

    /// The secret itself; `description` is redacted so it never lands in a log line.
    public let text: String

    /// Why a stored value is not a login secret.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let length: Int
        public var description: String {
            "a login secret has \(LoginSecret.length) characters from the order-code alphabet, not \(length)"
        }
    }

    public init(_ text: String) throws(ParseError) {
        guard text.utf8.count == Self.length, text.utf8.allSatisfy(OrderCode.alphabet.contains) else {
            throw ParseError(length: text.utf8.count)
        }
        self.text = text
    }

    public static func random(using generator: inout some RandomNumberGenerator) -> LoginSecret {
        let characters = (0..<length).map { _ in OrderCode.alphabet.randomElement(using: &generator)! }
        return LoginSecret(unchecked: String(decoding: characters, as: UTF8.self))
    }

    private init(unchecked: String) { text = unchecked }

    public var description: String { "••••" }
}
