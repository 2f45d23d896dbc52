import Crypto
import Foundation

/// The providers' signature rules written out again from docs/PROVIDERS.md, independently of the
/// `Payments` module, so that the fake servers check our requests rather than agree with them.
public enum FakeSigning {
    public static func hmacSHA256(_ key: String, _ message: String) -> String {
        hex(Array(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: Data(key.utf8)))))
    }

    public static func hmacSHA512(_ key: String, _ message: String) -> String {
        hex(Array(HMAC<SHA512>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: Data(key.utf8)))))
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// `k=v&…` over `keys` in the given order, values raw (MoMo, payOS create).
    public static func rawPairs(_ keys: [String], _ values: [String: Any]) -> String {
        keys.map { "\($0)=\(text(values[$0]))" }.joined(separator: "&")
    }

    /// A JSON value as it goes into a key=value string: strings raw, numbers plain, null empty.
    public static func text(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return ""
        case let string as String: return string
        // No boolean is signed in any payload the fakes produce or check.
        case let number as NSNumber: return number.stringValue
        default: return compactSortedJSON(value!)
        }
    }

    /// Compact JSON with keys sorted at every level, slashes not escaped (JavaScript's output).
    public static func compactSortedJSON(_ value: Any) -> String {
        let data = try! JSONSerialization.data(
            withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    /// PHP `urlencode`: letters, digits and `-_.` kept, space as `+`, the rest `%XX`.
    public static func phpURLEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(
            CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-_. ")
        return text.addingPercentEncoding(withAllowedCharacters: allowed)!.replacingOccurrences(of: " ", with: "+")
    }

    /// VNPay's pay/IPN hash: vnp_* except the hash fields, non-empty, sorted, PHP-encoded.
    public static func vnpayHash(_ secret: String, _ parameters: [String: String]) -> String {
        let query = parameters.filter {
            $0.key.hasPrefix("vnp_") && $0.key != "vnp_SecureHash" && $0.key != "vnp_SecureHashType"
                && !$0.value.isEmpty
        }
        .sorted { $0.key < $1.key }.map { phpURLEncode($0.key) + "=" + phpURLEncode($0.value) }
        .joined(separator: "&")
        return hmacSHA512(secret, query)
    }

    /// payOS: the data object's keys sorted, `key=value` joined with `&`.
    public static func payOSData(_ key: String, _ data: [String: Any]) -> String {
        hmacSHA256(key, data.keys.sorted().map { "\($0)=\(text(data[$0]))" }.joined(separator: "&"))
    }
}
