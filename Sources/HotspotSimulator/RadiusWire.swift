import Crypto
import Foundation

/// RADIUS as a MikroTik router writes and reads it, from RFC 2865 (Access), 2866 (Accounting),
/// 2869 (Message-Authenticator), 5176 (CoA/Disconnect) and MikroTik's vendor dictionary. Written
/// apart from the daemon's codec on purpose: a simulator that shared the daemon's code would agree
/// with its mistakes.
enum RadiusWire {
    static let mikrotikVendor: UInt32 = 14988
    /// Ascend's vendor id: the manual's CoA list names two of its attributes (Ascend-Data-Rate,
    /// Ascend-Xmit-Rate).
    static let ascendVendor: UInt32 = 529

    /// One attribute: a standard type, or a vendor-specific one (`vendor`, `vendorType`).
    struct Attribute: Sendable, Hashable {
        var type: UInt8
        var vendor: UInt32?
        var vendorType: UInt8?
        var value: [UInt8]

        init(type: UInt8, vendor: UInt32? = nil, vendorType: UInt8? = nil, value: [UInt8]) {
            self.type = type
            self.vendor = vendorType == nil ? nil : (vendor ?? RadiusWire.mikrotikVendor)
            self.vendorType = vendorType
            self.value = value
        }

        static func standard(_ type: UInt8, _ value: [UInt8]) -> Attribute { Attribute(type: type, value: value) }
        static func standard(_ type: UInt8, _ text: String) -> Attribute { standard(type, Array(text.utf8)) }
        static func standard(_ type: UInt8, integer: UInt32) -> Attribute {
            standard(type, withUnsafeBytes(of: integer.bigEndian, Array.init))
        }
        static func mikrotik(_ vendorType: UInt8, _ text: String) -> Attribute {
            Attribute(type: 26, vendor: RadiusWire.mikrotikVendor, vendorType: vendorType, value: Array(text.utf8))
        }

        var text: String { String(decoding: value, as: UTF8.self) }
        var integer: UInt32? {
            value.count == 4 ? value.reduce(0) { $0 << 8 | UInt32($1) } : nil
        }

        var encoded: [UInt8] {
            guard let vendorType, let vendor else { return [type, UInt8(value.count + 2)] + value }
            let id = withUnsafeBytes(of: vendor.bigEndian, Array.init)
            return [26, UInt8(value.count + 8)] + id + [vendorType, UInt8(value.count + 2)] + value
        }
    }

    struct Packet: Sendable {
        var code: UInt8
        var identifier: UInt8
        var authenticator: [UInt8]
        var attributes: [Attribute]

        func first(_ type: UInt8) -> Attribute? { attributes.first { $0.type == type && $0.vendorType == nil } }
        func mikrotik(_ vendorType: UInt8) -> Attribute? {
            attributes.first { $0.vendor == RadiusWire.mikrotikVendor && $0.vendorType == vendorType }
        }
    }

    /// Parses a datagram; nil when it is not well-formed RADIUS.
    static func parse(_ bytes: [UInt8]) -> Packet? {
        guard bytes.count >= 20 else { return nil }
        let length = Int(bytes[2]) << 8 | Int(bytes[3])
        guard length >= 20, length <= bytes.count, length <= 4096 else { return nil }
        var attributes: [Attribute] = []
        var offset = 20
        while offset < length {
            guard offset + 2 <= length else { return nil }
            let type = bytes[offset]
            let size = Int(bytes[offset + 1])
            guard size >= 2, offset + size <= length else { return nil }
            let value = Array(bytes[(offset + 2)..<(offset + size)])
            // RFC 2865 §5.26's recommended VSA layout (vendor id, then type-length-value), which
            // MikroTik's and Ascend's dictionaries both use; one sub-attribute per VSA.
            if type == 26, value.count >= 6 {
                let vendor = value[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                let subLength = Int(value[5])
                guard subLength >= 2, 4 + subLength <= value.count else { return nil }
                attributes.append(
                    Attribute(
                        type: 26, vendor: vendor, vendorType: value[4], value: Array(value[6..<(4 + subLength)])))
            } else {
                attributes.append(Attribute(type: type, value: value))
            }
            offset += size
        }
        return Packet(
            code: bytes[0], identifier: bytes[1], authenticator: Array(bytes[4..<20]), attributes: attributes)
    }

    /// Builds a packet: the attributes, then the length; `authenticator` fills bytes 4..<20.
    static func assemble(code: UInt8, identifier: UInt8, authenticator: [UInt8], attributes: [Attribute]) -> [UInt8] {
        let body = attributes.flatMap(\.encoded)
        let length = 20 + body.count
        return [code, identifier, UInt8(length >> 8), UInt8(length & 0xFF)] + authenticator + body
    }

    static func md5(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.MD5.hash(data: bytes)) }

    static func hmacMD5(_ bytes: [UInt8], secret: [UInt8]) -> [UInt8] {
        Array(HMAC<Insecure.MD5>.authenticationCode(for: bytes, using: SymmetricKey(data: secret)))
    }

    static func random16() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// An Access-Request: Message-Authenticator first (RouterOS ≥ 7.15 sends it), a random
    /// request authenticator, User-Password hidden per RFC 2865 §5.2 when `password` is given.
    static func accessRequest(identifier: UInt8, attributes: [Attribute], password: String?, secret: [UInt8])
        -> [UInt8]
    {
        let authenticator = random16()
        var all = [Attribute.standard(80, [UInt8](repeating: 0, count: 16))]
        if let password { all.append(.standard(2, hidePassword(Array(password.utf8), authenticator, secret))) }
        all += attributes
        var packet = assemble(code: 1, identifier: identifier, authenticator: authenticator, attributes: all)
        let mac = hmacMD5(packet, secret: secret)
        packet.replaceSubrange(22..<38, with: mac)
        return packet
    }

    static func hidePassword(_ password: [UInt8], _ authenticator: [UInt8], _ secret: [UInt8]) -> [UInt8] {
        var padded = password
        let blocks = max(1, (password.count + 15) / 16)
        padded += [UInt8](repeating: 0, count: blocks * 16 - password.count)
        var out: [UInt8] = []
        var previous = authenticator
        for block in 0..<blocks {
            let b = md5(secret + previous)
            let chunk = (0..<16).map { padded[block * 16 + $0] ^ b[$0] }
            out += chunk
            previous = chunk
        }
        return out
    }

    /// Accounting-Request, CoA and Disconnect requests: MD5 over the packet with a zero
    /// authenticator followed by the secret (RFC 2866 §3, RFC 5176 §2.3).
    static func signedRequest(code: UInt8, identifier: UInt8, attributes: [Attribute], secret: [UInt8]) -> [UInt8] {
        var packet = assemble(
            code: code, identifier: identifier, authenticator: [UInt8](repeating: 0, count: 16),
            attributes: attributes)
        packet.replaceSubrange(4..<20, with: md5(packet + secret))
        return packet
    }

    /// Whether a CoA/Disconnect/Accounting request's authenticator is the one its secret makes.
    static func requestIsGenuine(_ bytes: [UInt8], secret: [UInt8]) -> Bool {
        guard bytes.count >= 20 else { return false }
        let length = Int(bytes[2]) << 8 | Int(bytes[3])
        guard length <= bytes.count else { return false }
        var zeroed = Array(bytes[0..<length])
        zeroed.replaceSubrange(4..<20, with: [UInt8](repeating: 0, count: 16))
        return md5(zeroed + secret) == Array(bytes[4..<20])
    }

    /// A reply to `request`: Response Authenticator = MD5(code, id, length, request authenticator,
    /// attributes, secret).
    static func reply(code: UInt8, to request: Packet, attributes: [Attribute], secret: [UInt8]) -> [UInt8] {
        var packet = assemble(
            code: code, identifier: request.identifier, authenticator: request.authenticator, attributes: attributes)
        packet.replaceSubrange(4..<20, with: md5(packet + secret))
        return packet
    }

    /// Whether a reply answers the request whose authenticator was `requestAuthenticator`: the
    /// Response Authenticator, and the Message-Authenticator when the reply carries one.
    static func replyIsGenuine(_ bytes: [UInt8], requestAuthenticator: [UInt8], secret: [UInt8]) -> Bool {
        guard bytes.count >= 20 else { return false }
        let length = Int(bytes[2]) << 8 | Int(bytes[3])
        guard length >= 20, length <= bytes.count else { return false }
        var check = Array(bytes[0..<length])
        check.replaceSubrange(4..<20, with: requestAuthenticator)
        guard md5(check + secret) == Array(bytes[4..<20]) else { return false }
        // Message-Authenticator: HMAC-MD5 over the reply with the request authenticator and the MA zeroed.
        var offset = 20
        while offset + 2 <= length {
            let size = Int(check[offset + 1])
            guard size >= 2 else { return false }
            if check[offset] == 80, size == 18 {
                let received = Array(check[(offset + 2)..<(offset + 18)])
                check.replaceSubrange((offset + 2)..<(offset + 18), with: [UInt8](repeating: 0, count: 16))
                return hmacMD5(check, secret: secret) == received
            }
            offset += size
        }
        return true
    }
}
