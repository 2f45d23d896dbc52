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

    @Test func aDeviceCodeIsTheMACInTenTypeableCharactersAndReadsBackWhateverTheCase() throws {
        for text in ["00:00:00:00:00:00", "FF:FF:FF:FF:FF:FF", "F2:00:00:00:20:01", "3C:22:FB:9A:01:7E"] {
            let mac = try MACAddress(text)
            let code = DeviceCode(mac: mac).description
            #expect(code.count == 11 && code.contains("-"), "\(code)")
            #expect(!code.contains { "01ILOU".contains($0) })
            #expect(try DeviceCode(code).mac == mac)
            #expect(try DeviceCode(code.lowercased().replacingOccurrences(of: "-", with: " ")).mac == mac)
        }
        for bad in ["", "K7QX2-M9P4", "K7QX2-M9P4TT", "K7QX2-M9P40", "ZZZZZ-ZZZZZ"] {
            #expect(throws: DeviceCode.ParseError.self, "\(bad)") { try DeviceCode(bad) }
        }
    }
}
