import Crypto
import Radius
import Testing

struct LoginCredentialsTests {
    static let secret = "K7WQ2M9P"

    func request(attributes: [RadiusPacket.Attribute]) throws -> AccessRequest {
        try RadiusDictionary.load()
        let bytes = try RadiusCodec.encodeRequest(
            .accessRequest, identifier: 1,
            attributes: [.init(name: "User-Name", value: "AA:BB:CC:DD:EE:01")] + attributes,
            secret: "s3cret", messageAuthenticator: true)
        return AccessRequest(try RadiusCodec.decodeRequest(bytes, secret: "s3cret"))
    }

    static func chap(ident: UInt8, secret: String, challenge: [UInt8]) -> [UInt8] {
        var md5 = Insecure.MD5()
        md5.update(data: [ident] + Array(secret.utf8) + challenge)
        return [ident] + Array(md5.finalize())
    }

    static func hex(_ bytes: [UInt8]) -> String {
        "0x"
            + bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined()
    }

    @Test func aPAPPasswordSurvivesUserPasswordHidingAndMustMatchExactly() throws {
        let request = try request(attributes: [.init(name: "User-Password", value: Self.secret)])
        #expect(request.presentsPassword)
        #expect(request.presents(secret: Self.secret))
        #expect(!request.presents(secret: "K7WQ2M9Q"))
        #expect(!request.presents(secret: Self.secret + "X"))
    }

    @Test func aCHAPResponseIsCheckedAgainstTheChallengeAttributeOrTheAuthenticator() throws {
        let challenge: [UInt8] = Array(0..<16)
        let withChallenge = try request(attributes: [
            .init(
                name: "CHAP-Password", value: Self.hex(Self.chap(ident: 9, secret: Self.secret, challenge: challenge))),
            .init(name: "CHAP-Challenge", value: Self.hex(challenge)),
        ])
        #expect(withChallenge.presents(secret: Self.secret))
        #expect(!withChallenge.presents(secret: "WRONGPW2"))
        let forged = try request(attributes: [
            .init(
                name: "CHAP-Password",
                value: Self.hex(Self.chap(ident: 9, secret: Self.secret, challenge: Array(1...16)))),
            .init(name: "CHAP-Challenge", value: Self.hex(challenge)),
        ])
        #expect(!forged.presents(secret: Self.secret))
    }

    @Test func aBareMACAuthenticationPresentsNoPassword() throws {
        let request = try request(attributes: [])
        #expect(!request.presentsPassword)
        #expect(!request.presents(secret: Self.secret))
    }
}
