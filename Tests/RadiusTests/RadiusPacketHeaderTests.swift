import Radius
import Testing

@Suite struct RadiusPacketHeaderTests {
    static func packet(code: UInt8 = 1, length: Int = 20, total: Int? = nil) -> [UInt8] {
        var bytes = [code, 7, UInt8(length >> 8), UInt8(length & 0xFF)] + Array(repeating: 0xAB, count: 16)
        bytes += Array(repeating: 0, count: max(0, (total ?? length) - bytes.count))
        return Array(bytes.prefix(total ?? length))
    }

    @Test func aWellFormedHeaderIsRead() throws {
        let header = try RadiusPacketHeader(Self.packet(code: 43, length: 38))
        #expect(header.code == .coaRequest)
        #expect(header.identifier == 7)
        #expect(header.length == 38)
        #expect(header.authenticator == Array(repeating: 0xAB, count: 16))
    }

    @Test func bytesPastTheLengthFieldArePadding() throws {
        #expect(try RadiusPacketHeader(Self.packet(length: 20, total: 64)).length == 20)
    }

    @Test(arguments: [
        (packet(total: 19), RadiusPacketHeader.Drop.tooShort(received: 19)),
        (packet(length: 4097, total: 4097), .tooLong(received: 4097)),
        (packet(length: 40, total: 30), .badLength(field: 40, received: 30)),
        (packet(length: 12, total: 20), .badLength(field: 12, received: 20)),
        (packet(code: 99), .unknownCode(99)),
        (packet(code: 0), .unknownCode(0)),
    ])
    func malformedDatagramsAreDroppedWithAReason(bytes: [UInt8], drop: RadiusPacketHeader.Drop) {
        #expect(throws: drop) { try RadiusPacketHeader(bytes) }
    }

    @Test func randomBytesNeverCrashTheHeaderCheck() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...200, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if let header = try? RadiusPacketHeader(bytes) {
                #expect(header.length >= 20 && header.length <= bytes.count)
            }
        }
    }
}
