/// MoMo All-In-One v2 signature strings (docs/PROVIDERS.md §1): fixed key sets in a-z order, values
/// raw, `accessKey` included although it is not in the JSON body.
public struct MoMoSigner: Sendable {
    let accessKey: String
    let secretKey: String

    public init(accessKey: String, secretKey: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
    }

    /// The keys of the IPN / redirect signature, in the order they are signed.
    public static let ipnKeys = [
        "amount", "extraData", "message", "orderId", "orderInfo", "orderType", "partnerCode", "payType", "requestId",
        "responseTime", "resultCode", "transId",
    ]

    /// Signs `fields` (plus accessKey) as MoMo does.
    public func sign(_ fields: [String: String]) -> String {
        var all = SignedFields(fields)
        all["accessKey"] = accessKey
        return Signature.hmacSHA256(key: secretKey, message: all.canonical)
    }

    /// Why an IPN body is refused before anything is looked up.
    public enum IPNError: Error, Equatable, CustomStringConvertible {
        case notJSON
        case missingField(String)
        case badSignature

        public var description: String {
            switch self {
            case .notJSON: "the body is not a JSON object"
            case .missingField(let name): "the field '\(name)' is missing or of the wrong type"
            case .badSignature: "the signature does not match"
            }
        }
    }

    /// Checks an IPN body's signature and returns its fields as signed (numbers as plain digits).
    public func verifyIPN(_ body: JSONValue) throws(IPNError) -> [String: String] {
        guard case .object = body else { throw .notJSON }
        var fields: [String: String] = [:]
        for key in Self.ipnKeys {
            guard let value = body[key] else { throw .missingField(key) }
            switch (key, value) {
            case ("amount", _), ("responseTime", _), ("resultCode", _), ("transId", _):
                guard let number = value.integerValue else { throw .missingField(key) }
                fields[key] = String(number)
            case (_, .string(let text)): fields[key] = text
            default: throw .missingField(key)
            }
        }
        guard let signature = body["signature"]?.stringValue else { throw .missingField("signature") }
        guard Signature.matches(signature, expected: sign(fields)) else { throw .badSignature }
        return fields
    }
}
