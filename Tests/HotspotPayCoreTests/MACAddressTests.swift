import Testing

@testable import HotspotPayCore

@Suite struct MACAddressTests {
    @Test(arguments: ["AA:BB:CC:DD:EE:0F", "aa-bb-cc-dd-ee-0f", "aabb.ccdd.ee0f", "AABBCCDDEE0F", "aA:Bb:cC:dD:eE:0f"])
    func everyAcceptedSpellingGivesTheCanonicalForm(text: String) throws {
        #expect(try MACAddress(text).description == "AA:BB:CC:DD:EE:0F")
    }

    @Test(arguments: [
        "", "AA:BB:CC:DD:EE", "AA:BB:CC:DD:EE:FF:00", "AA-BB:CC:DD:EE:FF", "AA:BB:CC:DD:EE:GG", "aabb.ccdd.eeff.",
        "aabbccddeef", "aabbccddeeff0", "AA:BB:CC:DD:EEFF", "aab.bccd.deeff", " AA:BB:CC:DD:EE:FF", "ÀA:BB:CC:DD:EE:FF",
    ])
    func malformedTextIsRejectedWithTheAcceptedLayouts(text: String) {
        #expect(throws: MACAddress.ParseError(input: text)) { try MACAddress(text) }
        #expect(MACAddress.ParseError(input: text).description.contains("AA:BB:CC:DD:EE:FF"))
    }

    @Test func randomizedPhoneAddressesAreLocallyAdministered() throws {
        #expect(try MACAddress("DA:A1:19:00:00:01").isLocallyAdministered)
        #expect(try MACAddress("02:00:00:00:00:01").isLocallyAdministered)
        #expect(try !MACAddress("00:1A:2B:3C:4D:5E").isLocallyAdministered)
        #expect(try MACAddress("01:00:5E:00:00:01").isMulticast)
    }

    @Test func octetsRoundTrip() throws {
        let mac = try MACAddress("00:01:02:FD:FE:FF")
        #expect(mac.octets == [0, 1, 2, 0xFD, 0xFE, 0xFF])
        #expect(MACAddress(octets: mac.octets) == mac)
    }

    @Test func aDeviceCodeIsTheMACInElevenTypeableCharactersAndReadsBackWhateverTheCase() throws {
        for text in ["00:00:00:00:00:00", "FF:FF:FF:FF:FF:FF", "F2:00:00:00:20:01", "3C:22:FB:9A:01:7E"] {
            let mac = try MACAddress(text)
            let code = DeviceCode(mac: mac).description
            #expect(code.count == 13 && code.split(separator: "-").map(\.count) == [4, 4, 3], "\(code)")
            #expect(!code.contains { "01ILOU".contains($0) })
            #expect(try DeviceCode(code).mac == mac)
            #expect(try DeviceCode(code.lowercased().replacingOccurrences(of: "-", with: " ")).mac == mac)
        }
        for bad in ["", "K7QX2-M9P4", "K7QX2-M9P4T", "K7QX2-M9P4TTT", "K7QX2-M9P40", "ZZZZZ-ZZZZZ"] {
            #expect(throws: DeviceCode.ParseError.self, "\(bad)") { try DeviceCode(bad) }
        }
    }

    /// A cashier's one-character typo must not sell access to a MAC nobody has.
    @Test func everySingleTypoAndAlmostEverySwapOfNeighboursIsRefused() throws {
        let alphabet = Array(String(decoding: OrderCode.alphabet, as: UTF8.self))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let mac = MACAddress(octets: (0..<6).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let code = Array(DeviceCode(mac: mac).description.replacingOccurrences(of: "-", with: ""))
            for position in code.indices {
                for replacement in alphabet where replacement != code[position] {
                    var typo = code
                    typo[position] = replacement
                    #expect(throws: DeviceCode.ParseError.self) { try DeviceCode(String(typo)) }
                }
                // Luhn mod 30 misses one swap, of the alphabet's first and last ("2Z" ↔ "Z2").
                if position + 1 < code.count, code[position] != code[position + 1],
                    Set([code[position], code[position + 1]]) != ["2", "Z"]
                {
                    var swapped = code
                    swapped.swapAt(position, position + 1)
                    #expect(throws: DeviceCode.ParseError.self) { try DeviceCode(String(swapped)) }
                }
            }
        }
        var typo = Array(DeviceCode(mac: try MACAddress("F2:00:00:00:20:01")).description)
        typo[0] = typo[0] == "K" ? "M" : "K"
        let error = #expect(throws: DeviceCode.ParseError.self) { try DeviceCode(String(typo)) }
        #expect(error?.mistyped == true && error?.description.contains("mistyped") == true)
    }
}
