import Crypto
import HotspotPayCore
import Hummingbird

/// The guest's browser, as far as the portal can tell one from another: a random id in an
/// HttpOnly cookie, set on the first page. It proves nothing about the device (a captive
/// mini-browser reopened after paying starts with an empty cookie jar), but a browser holding
/// the cookie of the checkout that made a purchase is that purchase's buyer, and a stranger who
/// only knows a guest's MAC never has it.
struct GuestBrowser: Sendable, Hashable {
    static let cookieName = "hp_browser"

    /// 128 random bits, hex.
    let id: String

    /// The browser's id from its cookie, when it sent a well-formed one.
    init?(_ request: Request) {
        guard let value = request.cookies[Self.cookieName]?.value, value.utf8.count == 32,
            value.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else { return nil }
        id = value
    }

    private init(id: String) { self.id = id }

    static func new() -> GuestBrowser {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return GuestBrowser(id: ASCIIHex.lowercase(bytes))
    }

    /// What the store keeps: the id itself would let anyone who reads the database act as the buyer.
    var digest: String {
        ASCIIHex.lowercase(SHA256.hash(data: Array(id.utf8)))
    }

    func setCookie(secure: Bool) -> String {
        "\(Self.cookieName)=\(id); Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly" + (secure ? "; Secure" : "")
    }
}
