/// Why bytes could not be turned into a packet, or a packet into bytes. Each is a reason to
/// drop silently (RFC 2865) and to count.
public enum RadiusCodecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The header is unusable (length, size, code).
    case header(RadiusPacketHeader.Drop)
    /// Attributes overrun, underfill or are malformed.
    case malformed(String)
    /// The authenticator or Message-Authenticator does not match the shared secret.
    case badAuthenticator(String)
    /// An attribute name or value the dictionary does not accept.
    case badAttribute(name: String, value: String, reason: String)
    case encodingFailed(String)

    public var description: String {
        switch self {
        case .header(let drop): drop.description
        case .malformed(let why): "malformed: \(why)"
        case .badAuthenticator(let why): "bad authenticator: \(why)"
        case .badAttribute(let name, let value, let reason): "attribute \(name) = \(value): \(reason)"
        case .encodingFailed(let why): "cannot encode: \(why)"
        }
    }

    /// A short label for counting.
    public var reason: String {
        switch self {
        case .header(let drop): drop.reason
        case .malformed: "malformed"
        case .badAuthenticator: "bad_authenticator"
        case .badAttribute: "bad_attribute"
        case .encodingFailed: "encoding_failed"
        }
    }
}
