/// VNPay 2.1.0's query hash (docs/PROVIDERS.md §2): every `vnp_*` parameter except the hash fields,
/// empty values dropped, keys sorted by byte, keys and values form-URL-encoded, joined with `&`,
/// then HMAC-SHA512 with the hash secret. The same encoded string is the query of the pay URL.
public struct VNPaySigner: Sendable {
    let hashSecret: String

    public init(hashSecret: String) { self.hashSecret = hashSecret }

    /// The canonical, encoded query over the parameters that are signed.
    public static func signedQuery(_ parameters: [String: String]) -> String {
        parameters.filter { key, value in
            key.hasPrefix("vnp_") && key != "vnp_SecureHash" && key != "vnp_SecureHashType" && !value.isEmpty
        }
        .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
        .map { FormURLEncoding.encode($0.key) + "=" + FormURLEncoding.encode($0.value) }
        .joined(separator: "&")
    }

    public func hash(_ parameters: [String: String]) -> String {
        Signature.hmacSHA512(key: hashSecret, message: Self.signedQuery(parameters))
    }

    /// True when the parameters carry a `vnp_SecureHash` that matches the others.
    public func verify(_ parameters: [String: String]) -> Bool {
        guard let received = parameters["vnp_SecureHash"], !received.isEmpty else { return false }
        return Signature.matches(received, expected: hash(parameters))
    }

    /// The querydr/refund style hash: values joined by `|` in a fixed order, no encoding.
    public func pipeHash(_ values: [String]) -> String {
        Signature.hmacSHA512(key: hashSecret, message: values.joined(separator: "|"))
    }
}
