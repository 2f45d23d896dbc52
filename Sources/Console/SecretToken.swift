import Crypto
import Foundation
import HotspotPayCore

/// Random bearer secrets (session cookies, API tokens, CSRF tokens) and the digest the store keeps.
enum SecretToken {
    /// 32 random bytes as URL-safe base64 without padding, after `prefix`.
    static func make(prefix: String = "") -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix
            + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Hex SHA-256: what the store keeps instead of the token.
    static func digest(_ token: String) -> String {
        ASCIIHex.lowercase(SHA256.hash(data: Data(token.utf8)))
    }
}
