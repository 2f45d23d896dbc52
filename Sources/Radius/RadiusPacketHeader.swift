/// The fixed 20-byte start of every RADIUS packet, checked before anything else is decoded so
/// that junk from the network is dropped cheaply and counted by reason.
public struct RadiusPacketHeader: Sendable, Hashable {
    public let code: RadiusCode
    public let identifier: UInt8
    /// The packet's own length field; bytes past it are padding (RFC 2865 §3).
    public let length: Int
    public let authenticator: [UInt8]

    public static let minimumLength = 20
    public static let maximumLength = 4096

    /// Why a datagram is not a RADIUS packet we will look at.
    public enum Drop: Error, Sendable, Hashable, CustomStringConvertible {
        case tooShort(received: Int)
        case tooLong(received: Int)
        case badLength(field: Int, received: Int)
        case unknownCode(UInt8)

        public var description: String {
            switch self {
            case .tooShort(let received): "\(received) bytes is shorter than a RADIUS header (20)"
            case .tooLong(let received): "\(received) bytes is longer than RADIUS allows (4096)"
            case .badLength(let field, let received):
                "length field \(field) does not fit the \(received) bytes received"
            case .unknownCode(let code): "unknown packet code \(code)"
            }
        }

        /// A short label for counting drops by reason.
        public var reason: String {
            switch self {
            case .tooShort: "too_short"
            case .tooLong: "too_long"
            case .badLength: "bad_length"
            case .unknownCode: "unknown_code"
            }
        }
    }

    public init(_ bytes: some Collection<UInt8>) throws(Drop) {
        let data = Array(bytes)
        guard data.count >= Self.minimumLength else { throw .tooShort(received: data.count) }
        guard data.count <= Self.maximumLength else { throw .tooLong(received: data.count) }
        let length = Int(data[2]) << 8 | Int(data[3])
        guard length >= Self.minimumLength, length <= data.count else {
            throw .badLength(field: length, received: data.count)
        }
        guard let code = RadiusCode(rawValue: data[0]) else { throw .unknownCode(data[0]) }
        self.code = code
        self.identifier = data[1]
        self.length = length
        self.authenticator = Array(data[4..<20])
    }
}
