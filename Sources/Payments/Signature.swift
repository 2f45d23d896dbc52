import Crypto
import Foundation
import HotspotPayCore

/// The keyed hashes the providers sign with (docs/PROVIDERS.md): hex HMAC-SHA256 for MoMo and payOS,
/// HMAC-SHA512 for VNPay and Casso, and a constant-time, case-insensitive comparison.
public enum Signature {
    public static func hmacSHA256(key: String, message: String) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: Array(key.utf8))))
    }

    public static func hmacSHA512(key: String, message: String) -> String {
        hex(HMAC<SHA512>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: Array(key.utf8))))
    }

    /// True when `received` equals `expected`, ignoring hex case. The time taken depends only on
    /// the lengths, so a forger learns nothing from how fast a wrong signature is refused.
    public static func matches(_ received: String, expected: String) -> Bool {
        let a = Array(received.utf8)
        let b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= lowercase(a[index]) ^ lowercase(b[index]) }
        return difference == 0
    }

    private static func lowercase(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    private static func hex(_ code: some Sequence<UInt8>) -> String {
        ASCIIHex.lowercase(code)
    }
}
