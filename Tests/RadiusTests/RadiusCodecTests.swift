import Radius
import Testing

@Suite struct RadiusCodecTests {
    static let secret = "router-secret-0123456789"

    init() throws { try RadiusDictionary.load() }

    static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { Array(bytes[$0..<$0 + needle.count]) == needle }
    }

    static func attribute(_ name: String, _ value: String) -> RadiusPacket.Attribute {
        RadiusPacket.Attribute(name: name, value: value)
    }

    @Test func aCoARequestRoundTripsWithMikroTikAttributesByName() throws {
        let bytes = try RadiusCodec.encodeRequest(
            .coaRequest, identifier: 7,
            attributes: [
                Self.attribute("User-Name", "AA:BB:CC:DD:EE:01"), Self.attribute("Acct-Session-Id", "81a00003"),
                Self.attribute("Mikrotik-Rate-Limit", "2M/10M"), Self.attribute("Session-Timeout", "3600"),
                Self.attribute("Mikrotik-Group", "paid"),
            ], secret: Self.secret, messageAuthenticator: false)
        let packet = try RadiusCodec.decodeRequest(bytes, secret: Self.secret)
        #expect(packet.code == .coaRequest && packet.identifier == 7)
        #expect(packet["Mikrotik-Rate-Limit"] == "2M/10M")
        #expect(packet["Session-Timeout"] == "3600")
        #expect(packet["User-Name"] == "AA:BB:CC:DD:EE:01")
        #expect(!packet.hasMessageAuthenticator)
        // MikroTik's vendor-specific attribute is on the wire as vendor 14988.
        #expect(Self.contains(bytes, [0x00, 0x00, 0x3A, 0x8C]))
    }

    @Test func theWrongSecretFailsTheAuthenticator() throws {
        let bytes = try RadiusCodec.encodeRequest(
            .disconnectRequest, identifier: 1, attributes: [Self.attribute("User-Name", "x")], secret: Self.secret,
            messageAuthenticator: true)
        #expect(throws: RadiusCodecError.self) { try RadiusCodec.decodeRequest(bytes, secret: "another-secret") }
    }

    @Test func anAccessRequestPasswordIsHiddenOnTheWireAndClearAfterDecoding() throws {
        let bytes = try RadiusCodec.encodeRequest(
            .accessRequest, identifier: 9,
            attributes: [
                Self.attribute("User-Name", "AA:BB:CC:DD:EE:01"), Self.attribute("User-Password", "s3cret-pw"),
            ],
            secret: Self.secret, messageAuthenticator: true)
        #expect(!Self.contains(bytes, Array("s3cret-pw".utf8)))
        let packet = try RadiusCodec.decodeRequest(bytes, secret: Self.secret)
        #expect(packet["User-Password"] == "s3cret-pw" && packet.hasMessageAuthenticator)
    }

    @Test func responsesPutMessageAuthenticatorFirstAndVerifyAgainstTheRequest() throws {
        let requestBytes = try RadiusCodec.encodeRequest(
            .accessRequest, identifier: 42, attributes: [Self.attribute("User-Name", "AA:BB:CC:DD:EE:01")],
            secret: Self.secret, messageAuthenticator: true)
        let request = try RadiusCodec.decodeRequest(requestBytes, secret: Self.secret)
        let reply = try RadiusCodec.encodeResponse(
            .accessAccept,
            attributes: [Self.attribute("Session-Timeout", "600"), Self.attribute("Mikrotik-Rate-Limit", "1M/5M")],
            to: request, secret: Self.secret, messageAuthenticator: true)
        #expect(reply[0] == 2 && reply[1] == 42)
        #expect(reply[20] == 80 && reply[21] == 18)  // first attribute: Message-Authenticator
        let decoded = try RadiusCodec.decodeResponse(reply, to: requestBytes, secret: Self.secret)
        #expect(decoded.code == .accessAccept && decoded["Session-Timeout"] == "600" && decoded.hasMessageAuthenticator)
        #expect(throws: RadiusCodecError.self) {
            try RadiusCodec.decodeResponse(reply, to: requestBytes, secret: "wrong-secret")
        }
        var tampered = reply
        tampered[tampered.count - 1] ^= 0x01
        #expect(throws: RadiusCodecError.self) {
            try RadiusCodec.decodeResponse(tampered, to: requestBytes, secret: Self.secret)
        }
    }

    @Test func anAccessRequestsMessageAuthenticatorIsCheckedAgainstTheSecret() throws {
        let attributes = [Self.attribute("User-Name", "AA:BB:CC:DD:EE:01")]
        let signed = try RadiusCodec.encodeRequest(
            .accessRequest, identifier: 3, attributes: attributes, secret: Self.secret, messageAuthenticator: true)
        #expect(try RadiusCodec.decodeRequest(signed, secret: Self.secret).hasMessageAuthenticator)
        #expect(throws: RadiusCodecError.self) { try RadiusCodec.decodeRequest(signed, secret: "other-secret") }
        // One bit changed anywhere (here the User-Name) no longer matches the HMAC.
        var tampered = signed
        tampered[tampered.count - 1] ^= 0x01
        #expect(throws: RadiusCodecError.self) { try RadiusCodec.decodeRequest(tampered, secret: Self.secret) }
        // Without the attribute there is nothing to check (the server decides whether it is required).
        let unsigned = try RadiusCodec.encodeRequest(
            .accessRequest, identifier: 4, attributes: attributes, secret: Self.secret, messageAuthenticator: false)
        #expect(try !RadiusCodec.decodeRequest(unsigned, secret: "any-secret").hasMessageAuthenticator)
    }

    @Test func repliesSignedHereMatchLibfreeradiusForEveryAccessAnswer() throws {
        let request = try RadiusCodec.encodeRequest(
            .accessRequest, identifier: 200, attributes: [Self.attribute("User-Name", "u")], secret: Self.secret,
            messageAuthenticator: true)
        let decoded = try RadiusCodec.decodeRequest(request, secret: Self.secret)
        for code in [RadiusCode.accessAccept, .accessReject] {
            for withMA in [true, false] {
                let reply = try RadiusCodec.encodeResponse(
                    code, attributes: code == .accessAccept ? [Self.attribute("Session-Timeout", "60")] : [],
                    to: decoded, secret: Self.secret, messageAuthenticator: withMA)
                // libfreeradius's rad_verify checks both authenticators.
                let answer = try RadiusCodec.decodeResponse(reply, to: request, secret: Self.secret)
                #expect(answer.code == code && answer.hasMessageAuthenticator == withMA)
            }
        }
    }

    @Test func unknownAttributesOrBadValuesAreTypedErrors() {
        for (name, value) in [
            ("Hotspot-Nonexistent", "1"), ("Session-Timeout", "soon"), ("Acct-Status-Type", "Sideways"),
            ("No-Such-Attribute", "x"),  // FreeRADIUS-internal (1046): never on the wire
        ] {
            #expect(throws: RadiusCodecError.self, "\(name)") {
                try RadiusCodec.validate([Self.attribute(name, value)])
            }
        }
    }

    @Test func truncatedOverrunAndOversizedPacketsAreDroppedNotCrashed() throws {
        let good = try RadiusCodec.encodeRequest(
            .accountingRequest, identifier: 3,
            attributes: [Self.attribute("Acct-Status-Type", "Start"), Self.attribute("Acct-Session-Id", "s1")],
            secret: Self.secret, messageAuthenticator: false)
        var overrun = good
        overrun[21] = 200  // first attribute claims to run past the end
        var underfill = good + [0, 0]
        underfill[3] = UInt8(underfill.count)  // length covers two bytes that are no attribute
        let cases: [[UInt8]] = [
            [], Array(good.prefix(19)), Array(good.prefix(good.count - 1)), overrun, underfill,
            good + [UInt8](repeating: 0, count: 4096), [99] + good.dropFirst(),
        ]
        for bytes in cases {
            #expect(throws: RadiusCodecError.self) { try RadiusCodec.decodeRequest(bytes, secret: Self.secret) }
        }
        // Padding past the length field is ignored (RFC 2865 §3).
        #expect(try RadiusCodec.decodeRequest(good + [0, 0, 0], secret: Self.secret)["Acct-Session-Id"] == "s1")
    }

    /// Random and mutated datagrams for a while: every one is either decoded or refused with a
    /// typed error; the process survives.
    @Test func fuzzedDatagramsNeverCrashTheDecoder() throws {
        var generator = SystemRandomNumberGenerator()
        let seed = try RadiusCodec.encodeRequest(
            .accessRequest, identifier: 1,
            attributes: [
                Self.attribute("User-Name", "AA:BB:CC:DD:EE:01"), Self.attribute("Calling-Station-Id", "AA-BB"),
                Self.attribute("Mikrotik-Host-IP", "10.5.50.7"), Self.attribute("User-Password", "pw"),
            ], secret: Self.secret, messageAuthenticator: true)
        var decoded = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...300, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
                if bytes.count >= 4, round % 4 == 0 {
                    bytes[0] = [1, 4, 43, 40][round / 4 % 4]
                    bytes[2] = UInt8(bytes.count >> 8)
                    bytes[3] = UInt8(bytes.count & 0xFF)
                }
            } else {
                bytes = seed
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(
                        in: 0...255, using: &generator)
                }
            }
            if (try? RadiusCodec.decodeRequest(bytes, secret: Self.secret)) != nil { decoded += 1 }
        }
        #expect(decoded < 20_000)
    }
}

extension RadiusCodecTests {
    @Test func aNAKWithErrorCauseDecodesAgainstItsRequest() throws {
        let requestBytes = try RadiusCodec.encodeRequest(
            .disconnectRequest, identifier: 3, attributes: [Self.attribute("User-Name", "x")], secret: Self.secret,
            messageAuthenticator: true)
        let request = try RadiusCodec.decodeRequest(requestBytes, secret: Self.secret)
        let nak = try RadiusCodec.encodeResponse(
            .disconnectNAK, attributes: [Self.attribute("Error-Cause", "503")], to: request, secret: Self.secret,
            messageAuthenticator: false)
        let decoded = try RadiusCodec.decodeResponse(nak, to: requestBytes, secret: Self.secret)
        #expect(decoded.code == .disconnectNAK && decoded["Error-Cause"] == "Session-Context-Not-Found")
    }
}
