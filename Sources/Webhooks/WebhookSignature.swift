import Crypto
import Foundation
import HotspotPayCore

/// `X-Hotspotpay-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the
/// endpoint's secret. The timestamp is signed with the body, so a receiver that checks it against
/// its clock (``tolerance``) refuses a captured request replayed later.
public struct WebhookSignature: Sendable, Hashable {
    public static let header = "X-Hotspotpay-Signature"
    /// How far from the receiver's clock a timestamp may be; what the verification snippet uses.
    public static let tolerance: Int64 = 300

    public var timestamp: Int64
    public var signatures: [String]

    /// Signs `body` at `timestamp`.
    public init(secret: Secret, timestamp: Int64, body: some Sequence<UInt8>) {
        self.timestamp = timestamp
        signatures = [Self.hmac(secret: secret, timestamp: timestamp, body: body)]
    }

    /// Reads a header value; nil when it is not `t=…,v1=…`.
    public init?(header value: String) {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in value.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { return nil }
            switch pair[0] {
            case "t": timestamp = Int64(pair[1])
            case "v1": signatures.append(pair[1].lowercased())
            default: continue  // later schemes are ignored by this version
            }
        }
        guard let timestamp, !signatures.isEmpty else { return nil }
        self.timestamp = timestamp
        self.signatures = signatures
    }

    public var headerValue: String { (["t=\(timestamp)"] + signatures.map { "v1=\($0)" }).joined(separator: ",") }

    /// True when one of the signatures is `body`'s under `secret` (compared in constant time) and
    /// the timestamp is within ``tolerance`` of `now`.
    public func verifies(body: some Sequence<UInt8>, secret: Secret, now: Int64, tolerance: Int64 = Self.tolerance)
        -> Bool
    {
        guard abs(now - timestamp) <= tolerance else { return false }
        let expected = Array(Self.hmac(secret: secret, timestamp: timestamp, body: body).utf8)
        return signatures.contains { ConstantTime.equal(Array($0.utf8), expected) }
    }

    static func hmac(secret: Secret, timestamp: Int64, body: some Sequence<UInt8>) -> String {
        var mac = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.reveal.utf8)))
        mac.update(data: Data("\(timestamp).".utf8))
        mac.update(data: Data(body))
        return ASCIIHex.lowercase(Array(mac.finalize()))
    }
}
