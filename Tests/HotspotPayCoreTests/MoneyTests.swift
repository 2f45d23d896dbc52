import Foundation
import Testing

@testable import HotspotPayCore

@Suite struct MoneyTests {
    @Test(arguments: [
        (Int64(0), "0 ₫", "0 VND"), (999, "999 ₫", "999 VND"), (1000, "1.000 ₫", "1,000 VND"),
        (10_000, "10.000 ₫", "10,000 VND"), (1_234_567, "1.234.567 ₫", "1,234,567 VND"),
        (-50_000, "-50.000 ₫", "-50,000 VND"),
    ])
    func formatsForEachLanguage(dong: Int64, vi: String, en: String) {
        #expect(Money(dong: dong).formatted(.vi) == vi)
        #expect(Money(dong: dong).formatted(.en) == en)
    }

    @Test(arguments: [
        ("10000", Int64(10_000)), ("10.000", 10_000), ("10,000", 10_000), ("10 000", 10_000), ("10k", 10_000),
        ("1.500.000", 1_500_000), (" 5000 ", 5000),
    ])
    func parsesWhatOperatorsType(text: String, dong: Int64) throws {
        #expect(try Money(parsing: text) == Money(dong: dong))
    }

    @Test(arguments: ["", "10.5", "10,00", "abc", "-1000", "1e5", "10.000,5", "99999999999999999999", "k"])
    func refusesAmbiguousOrInvalidAmounts(text: String) {
        #expect(throws: Money.ParseError.self) { try Money(parsing: text) }
    }

    @Test func encodesAsABareInteger() throws {
        let data = try JSONEncoder().encode([Money(dong: 10_000)])
        #expect(String(decoding: data, as: UTF8.self) == "[10000]")
    }
}
