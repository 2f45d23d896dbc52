#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address written as text, checked and normalised (`inet_pton`/`inet_ntop` are
/// pure conversions, not I/O). Routers are matched by this text, so it must be canonical.
public struct IPAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    public let description: String
    public let isIPv6: Bool

    /// Why a string is not an IP address.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let input: String
        public var description: String { "'\(input)' is not an IP address: expected IPv4 like 192.168.88.1 or IPv6" }
    }

    public init(_ text: String) throws(ParseError) {
        let trimmed = text.trimmingSpaces()
        var v4 = in_addr()
        var v6 = in6_addr()
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        if inet_pton(AF_INET, trimmed, &v4) == 1, inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count)) != nil {
            description = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            isIPv6 = false
        } else if inet_pton(AF_INET6, trimmed, &v6) == 1,
            inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil
        {
            description = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            isIPv6 = true
        } else {
            throw ParseError(input: text)
        }
    }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
