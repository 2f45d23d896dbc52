import Foundation
import HotspotPayCore

/// Signature rules of the bank-transfer confirmation services (docs/PROVIDERS.md §4, §5).
public enum WebhookSignatures {
    /// payOS: the `data` object's top-level keys sorted, each `key=value` (see
    /// ``JSONValue/signatureText``), joined with `&`, HMAC-SHA256 with the checksum key.
    public static func payOS(data: JSONValue, checksumKey: String) -> String? {
        guard case .object(let fields) = data else { return nil }
        let message = fields.keys.sorted(by: JSONValue.jsOrder).map { "\($0)=\(fields[$0]!.signatureText)" }
            .joined(separator: "&")
        return Signature.hmacSHA256(key: checksumKey, message: message)
    }

    /// Casso v2: header `X-Casso-Signature: t=<unix ms>,v1=<hex>`; v1 is HMAC-SHA512 over
    /// `t + "." + the whole body as compact JSON with keys sorted recursively`.
    public static func casso(body: JSONValue, timestamp: String, checksumKey: String) -> String {
        Signature.hmacSHA512(key: checksumKey, message: timestamp + "." + body.sortedJSON)
    }

    /// Splits `t=…,v1=…` into its parts; nil when either is missing.
    public static func cassoHeader(_ header: String) -> (timestamp: String, signature: String)? {
        var timestamp: String?
        var signature: String?
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = pair[1] }
            if pair[0] == "v1" { signature = pair[1] }
        }
        guard let timestamp, let signature, !timestamp.isEmpty, !signature.isEmpty else { return nil }
        return (timestamp, signature)
    }

    /// SePay: `Authorization: Apikey <key>`, compared exactly (the key is not hex, so case
    /// matters) and in constant time.
    public static func sepayAuthorized(header: String?, apiKey: String) -> Bool {
        guard let header, header.hasPrefix("Apikey ") else { return false }
        return ConstantTime.equal(String(header.dropFirst("Apikey ".count)), apiKey)
    }
}
