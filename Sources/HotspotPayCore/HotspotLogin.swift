/// What a MikroTik hotspot's `login.html` handed the portal for one device, kept so that the
/// `login` strategy's success page can log the browser in after the guest has paid (possibly
/// after the captive mini-browser was closed and opened again).
///
/// `link-login-only` is where the browser posts username and password; `chap-id` and
/// `chap-challenge` are what the router expects the password hashed with (HTTP-CHAP). RouterOS
/// prints those two as octal escapes (`\371`), which ``init(loginURL:originalURL:chapID:chapChallenge:)``
/// turns back into bytes.
public struct HotspotLogin: Sendable, Hashable {
    public var loginURL: String
    public var originalURL: String?
    public var chapID: [UInt8]?
    public var chapChallenge: [UInt8]?

    /// Why the router's login context is unusable.
    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case loginURL(String)
        case chap(String)

        public var description: String {
            switch self {
            case .loginURL(let text):
                "link-login-only '\(text.prefix(80))' is not an http(s) address of the router's login page"
            case .chap(let text):
                "chap-id/chap-challenge '\(text.prefix(80))' are not RouterOS octal escapes such as \\371"
            }
        }
    }

    /// Values already checked (read back from the store).
    public init(
        loginURL: String, originalURL: String?, chapIDBytes chapID: [UInt8]?, chapChallengeBytes chapChallenge: [UInt8]?
    ) {
        self.loginURL = loginURL
        self.originalURL = originalURL
        self.chapID = chapID
        self.chapChallenge = chapChallenge
    }

    /// Parses the values as `login.html` passes them. The login URL must be http(s) and short;
    /// the CHAP values are either both present (one id byte, a non-empty challenge) or both absent.
    public init(loginURL: String, originalURL: String?, chapID: String?, chapChallenge: String?) throws(Invalid) {
        let trimmed = loginURL.trimmingSpaces()
        let lower = trimmed.lowercased()
        guard trimmed.utf8.count <= 512, lower.hasPrefix("http://") || lower.hasPrefix("https://"),
            trimmed.utf8.count > "https://".utf8.count,
            !trimmed.contains(where: { $0 == "\"" || $0 == "<" || $0 == ">" || $0.isWhitespace })
        else { throw .loginURL(loginURL) }
        self.loginURL = trimmed
        if let original = originalURL?.trimmingSpaces(), !original.isEmpty, original.utf8.count <= 1024 {
            self.originalURL = original
        }
        let id = chapID.flatMap { $0.isEmpty ? nil : $0 }
        let challenge = chapChallenge.flatMap { $0.isEmpty ? nil : $0 }
        switch (id, challenge) {
        case (nil, nil): break
        case (let id?, let challenge?):
            guard let idBytes = Self.octalEscapes(id), idBytes.count == 1 else { throw .chap(id) }
            guard let challengeBytes = Self.octalEscapes(challenge), (1...64).contains(challengeBytes.count) else {
                throw .chap(challenge)
            }
            self.chapID = idBytes
            self.chapChallenge = challengeBytes
        case (let one?, nil), (nil, let one?): throw .chap(one)
        }
    }

    /// The login URL's host, lower-cased, without port or credentials.
    public var host: String? {
        guard let scheme = loginURL.range(of: "://") else { return nil }
        var rest = loginURL[scheme.upperBound...]
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        guard !rest.contains("@"), !rest.hasPrefix("[") else { return nil }
        if let colon = rest.firstIndex(of: ":") { rest = rest[..<colon] }
        return rest.isEmpty ? nil : rest.lowercased()
    }

    /// Whether this is the login page of the hotspot at `hotspotAddress` (nil: not configured, so no).
    public func isServed(by hotspotAddress: String?) -> Bool {
        guard let hotspotAddress, let host else { return false }
        return host == hotspotAddress.lowercased()
    }

    /// Whether the router hashes the password (HTTP-CHAP) rather than taking it in clear (HTTP-PAP).
    public var usesCHAP: Bool { chapID != nil && chapChallenge != nil }

    /// `\371\015…` → bytes; nil when the text is anything else.
    public static func octalEscapes(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var utf8 = text.utf8[...]
        while let backslash = utf8.first {
            guard backslash == UInt8(ascii: "\\"), utf8.count >= 4 else { return nil }
            var value = 0
            for digit in utf8.dropFirst().prefix(3) {
                guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit) else { return nil }
                value = value * 8 + Int(digit - UInt8(ascii: "0"))
            }
            guard value <= 255 else { return nil }
            bytes.append(UInt8(value))
            utf8 = utf8.dropFirst(4)
        }
        return bytes.isEmpty ? nil : bytes
    }

    /// Bytes → `\371\015…`, the form RouterOS prints and ``octalEscapes(_:)`` reads.
    public static func octalText(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 8)
            return "\\" + String(repeating: "0", count: 3 - digits.count) + digits
        }.joined()
    }
}
