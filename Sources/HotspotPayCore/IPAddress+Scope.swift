#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension IPAddress {
    /// The address in network byte order: 4 bytes, or 16 for IPv6.
    public var bytes: [UInt8] {
        if isIPv6 {
            var v6 = in6_addr()
            _ = inet_pton(AF_INET6, description, &v6)
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        var v4 = in_addr()
        _ = inet_pton(AF_INET, description, &v4)
        return withUnsafeBytes(of: &v4) { Array($0) }
    }

    /// Why the address is not one on the public Internet (`loopback`, `private`, `link-local`…),
    /// nil when it is. Outbound calls an operator configures (webhooks) are refused to these
    /// unless allowed: a URL must not reach the router's or the host's own services.
    public var nonPublicScope: String? {
        let b = bytes
        if b.count == 16 {
            if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF {
                // IPv4-mapped: judged as the IPv4 address it carries.
                return Self.scope(ipv4: Array(b[12..<16]))
            }
            if b[0..<15].allSatisfy({ $0 == 0 }) { return b[15] == 1 ? "loopback" : "unspecified" }
            if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return "link-local" }
            // fec0::/10, deprecated by RFC 3879 but still routed inside some networks.
            if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return "site-local" }
            // ::a.b.c.d, deprecated by RFC 4291; some stacks still reach the IPv4 address it carries.
            if b[0..<12].allSatisfy({ $0 == 0 }) { return "IPv4-compatible" }
            if b[0] & 0xFE == 0xFC { return "private (unique local)" }
            if b[0] == 0xFF { return "multicast" }
            if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B {
                return Self.scope(ipv4: Array(b[12..<16]))
            }
            if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return "documentation" }
            return nil
        }
        return Self.scope(ipv4: b)
    }

    private static func scope(ipv4 b: [UInt8]) -> String? {
        switch (b[0], b[1]) {
        case (0, _): return "unspecified"
        case (127, _): return "loopback"
        case (10, _), (172, 16...31), (192, 168): return "private"
        case (100, 64...127): return "carrier-grade NAT"
        case (169, 254): return "link-local"
        case (192, 0) where b[2] == 0: return "IETF protocol assignments"
        case (198, 18...19): return "benchmarking"
        case (224...239, _): return "multicast"
        case (240...255, _): return "reserved"
        default: return nil
        }
    }

    /// Whether the address is this machine's own (127.0.0.0/8, ::1, or IPv4-mapped 127.x).
    public var isLoopback: Bool { nonPublicScope == "loopback" }
}
