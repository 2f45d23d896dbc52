internal import CFreeRADIUS

/// Encodes, signs, decodes and verifies packets with libfreeradius. Nothing of libfreeradius
/// leaves this type: callers see ``RadiusPacket`` and bytes. Load ``RadiusDictionary`` first.
public enum RadiusCodec {
    static let messageAuthenticator: UInt32 = 80

    /// Decodes a request (Access, Accounting, CoA, Disconnect) and verifies its authenticator
    /// and Message-Authenticator with `secret`; User-Password comes out in clear.
    public static func decodeRequest(_ bytes: [UInt8], secret: String) throws(RadiusCodecError) -> RadiusPacket {
        try decode(bytes, secret: secret, original: nil)
    }

    /// Decodes a response to `request` (the bytes we sent) and verifies it.
    public static func decodeResponse(_ bytes: [UInt8], to request: [UInt8], secret: String) throws(RadiusCodecError)
        -> RadiusPacket
    {
        // The request is ours, but a caller holding only a placeholder must get an error, not a trap.
        guard request.count >= RadiusPacketHeader.minimumLength else {
            throw .malformed("the request this reply answers is \(request.count) bytes, not a RADIUS packet")
        }
        guard let original = hp_packet_from_bytes(request, request.count) else {
            throw .encodingFailed("out of memory")
        }
        defer { hp_packet_free(original) }
        original.pointee.id = Int32(request[1])
        original.pointee.code = UInt32(request[0])
        withUnsafeMutableBytes(of: &original.pointee.vector) { vector in
            for index in 0..<16 { vector[index] = request[4 + index] }
        }
        return try decode(bytes, secret: secret, original: original)
    }

    private static func decode(_ bytes: [UInt8], secret: String, original: UnsafeMutablePointer<RADIUS_PACKET>?)
        throws(RadiusCodecError) -> RadiusPacket
    {
        let header: RadiusPacketHeader
        do { header = try RadiusPacketHeader(bytes) } catch { throw .header(error) }
        guard let packet = hp_packet_from_bytes(bytes, bytes.count) else { throw .encodingFailed("out of memory") }
        defer { hp_packet_free(packet) }
        var reason = DECODE_FAIL_NONE
        guard rad_packet_ok(packet, 0, &reason) else { throw .malformed(lastError("attributes do not fit")) }
        let maOffset = bytes.withUnsafeBufferPointer {
            RadiusAuthenticators.messageAuthenticatorOffset($0, length: header.length)
        }
        if header.code == .accessRequest && original == nil {
            guard
                RadiusAuthenticators.accessRequestIsGenuine(
                    bytes, length: header.length, messageAuthenticatorAt: maOffset, secret: secret)
            else {
                throw .badAuthenticator("Message-Authenticator does not match the shared secret")
            }
        } else {
            guard rad_verify(packet, original, secret) == 0 else { throw .badAuthenticator(lastError("mismatch")) }
        }
        guard rad_decode(packet, original, secret) == 0 else { throw .malformed(lastError("cannot decode")) }
        return RadiusPacket(
            code: header.code, identifier: header.identifier, authenticator: header.authenticator,
            attributes: attributes(of: packet), hasMessageAuthenticator: maOffset != nil)
    }

    /// Encodes and signs a response to `request` (as decoded), with Message-Authenticator
    /// first when `messageAuthenticator` (always for Access-Accept/Reject: BlastRADIUS).
    public static func encodeResponse(
        _ code: RadiusCode, attributes: [RadiusPacket.Attribute], to request: RadiusPacket, secret: String,
        messageAuthenticator: Bool
    ) throws(RadiusCodecError) -> [UInt8] {
        guard let original = hp_packet_new(false) else { throw .encodingFailed("out of memory") }
        defer { hp_packet_free(original) }
        original.pointee.id = Int32(request.identifier)
        original.pointee.code = UInt32(request.code.rawValue)
        withUnsafeMutableBytes(of: &original.pointee.vector) { vector in
            for index in 0..<16 { vector[index] = request.authenticator[index] }
        }
        guard let reply = hp_packet_new(false) else { throw .encodingFailed("out of memory") }
        defer { hp_packet_free(reply) }
        reply.pointee.id = Int32(request.identifier)
        reply.pointee.code = UInt32(code.rawValue)
        // Replies to Access-Requests are signed in Swift (``RadiusAuthenticators``); the rest by libfreeradius.
        let signedHere = request.code == .accessRequest ? request.authenticator : nil
        return try encode(
            reply, original: original, attributes: attributes, secret: secret, ma: messageAuthenticator,
            signWith: signedHere)
    }

    /// Encodes and signs a request we send (CoA, Disconnect); the authenticator is computed
    /// from the secret as RFC 5176 requires.
    public static func encodeRequest(
        _ code: RadiusCode, identifier: UInt8, attributes: [RadiusPacket.Attribute], secret: String,
        messageAuthenticator: Bool
    ) throws(RadiusCodecError) -> [UInt8] {
        guard let packet = hp_packet_new(true) else { throw .encodingFailed("out of memory") }
        defer { hp_packet_free(packet) }
        packet.pointee.id = Int32(identifier)
        packet.pointee.code = UInt32(code.rawValue)
        return try encode(packet, original: nil, attributes: attributes, secret: secret, ma: messageAuthenticator)
    }

    private static func encode(
        _ packet: UnsafeMutablePointer<RADIUS_PACKET>, original: UnsafeMutablePointer<RADIUS_PACKET>?,
        attributes: [RadiusPacket.Attribute], secret: String, ma: Bool, signWith requestAuthenticator: [UInt8]? = nil
    ) throws(RadiusCodecError) -> [UInt8] {
        if ma {
            let zeros = [UInt8](repeating: 0, count: 16)
            guard hp_pair_add_octets(packet, messageAuthenticator, zeros, 16) == 0 else {
                throw .encodingFailed(lastError("Message-Authenticator"))
            }
        }
        for attribute in attributes where attribute.name != "Message-Authenticator" {
            // fr_pair_make would invent an "unknown" attribute for a name the dictionary lacks.
            guard hp_attribute_known(attribute.name) != 0 else {
                throw .badAttribute(
                    name: attribute.name, value: attribute.value, reason: "not in the RADIUS dictionary")
            }
            guard hp_pair_add(packet, attribute.name, attribute.value) == 0 else {
                throw .badAttribute(name: attribute.name, value: attribute.value, reason: lastError("not accepted"))
            }
        }
        guard rad_encode(packet, original, secret) == 0 else { throw .encodingFailed(lastError("rad_encode")) }
        if requestAuthenticator == nil {
            guard rad_sign(packet, original, secret) == 0 else { throw .encodingFailed(lastError("rad_sign")) }
        }
        guard let data = packet.pointee.data else { throw .encodingFailed("no data") }
        let length = packet.pointee.data_len
        guard length <= RadiusPacketHeader.maximumLength else {
            throw .encodingFailed("\(length) bytes is more than RADIUS allows")
        }
        var bytes = Array(UnsafeBufferPointer(start: data, count: length))
        if let requestAuthenticator {
            bytes.withUnsafeMutableBufferPointer {
                RadiusAuthenticators.signResponse($0, requestAuthenticator: requestAuthenticator, secret: secret)
            }
        }
        return bytes
    }

    /// Checks that every attribute name and value is one the dictionary accepts.
    public static func validate(_ attributes: [RadiusPacket.Attribute]) throws(RadiusCodecError) {
        _ = try encodeRequest(
            .coaRequest, identifier: 0, attributes: attributes, secret: "check", messageAuthenticator: false)
    }

    private static func attributes(of packet: UnsafeMutablePointer<RADIUS_PACKET>) -> [RadiusPacket.Attribute] {
        var result: [RadiusPacket.Attribute] = []
        var buffer = [CChar](repeating: 0, count: 4096)
        var pair = hp_first_pair(packet)
        while let current = pair {
            let name = String(cString: hp_pair_name(current))
            let text = buffer.withUnsafeMutableBufferPointer { out -> String in
                _ = hp_pair_value_text(out.baseAddress, out.count, current)
                return String(cString: out.baseAddress!)
            }
            var octets: [UInt8]?
            if hp_pair_is_octets(current) != 0 {
                var start: UnsafePointer<UInt8>?
                let length = hp_pair_octets(current, &start)
                if let start { octets = Array(UnsafeBufferPointer(start: start, count: length)) }
            }
            result.append(RadiusPacket.Attribute(name: name, value: text, octets: octets))
            pair = hp_next_pair(current)
        }
        return result
    }

    private static func lastError(_ fallback: String) -> String {
        guard let message = fr_strerror() else { return fallback }
        let text = String(cString: message)
        return text.isEmpty ? fallback : text
    }
}
