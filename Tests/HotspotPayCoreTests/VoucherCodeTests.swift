import HotspotPayCore
import Testing

@Suite struct VoucherCodeTests {
    @Test func codesAreTwelveUnambiguousCharactersGroupedByFourAndReadHoweverTyped() throws {
        var generator = SystemRandomNumberGenerator()
        let code = VoucherCode.random(using: &generator)
        #expect(code.value.count == 12)
        #expect(code.description.split(separator: "-").map(\.count) == [4, 4, 4])
        #expect(code.value.allSatisfy { !"01ILOU".contains($0) })
        let typed = try VoucherCode(code.description.lowercased().replacingOccurrences(of: "-", with: " "))
        #expect(typed == code)
        #expect(throws: VoucherCode.ParseError.self) { try VoucherCode("K7QX-M9P4-T2A") }
        #expect(throws: VoucherCode.ParseError.self) { try VoucherCode("K7QX-M9P4-T2A0") }
    }

    @Test func aThousandCodesAreAllDifferent() {
        var generator = SystemRandomNumberGenerator()
        #expect(Set((0..<1000).map { _ in VoucherCode.random(using: &generator) }).count == 1000)
    }
}
