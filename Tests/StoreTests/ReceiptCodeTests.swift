import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

@Suite struct ReceiptCodeTests {
    @Test func eachPurchaseHasItsOwnTwelveCharacterCodeThatIsNotItsOrderCode() throws {
        var seen: Set<String> = []
        for _ in 0..<2_000 {
            let purchase = Fixtures.transaction()
            let code = ReceiptCode(of: purchase)
            #expect(code.value.utf8.count == 12 && code.value.utf8.allSatisfy(OrderCode.alphabet.contains))
            #expect(!code.value.contains(purchase.orderCode.description))
            // The same purchase always shows the same code (the page shows it again on each visit).
            #expect(ReceiptCode(of: purchase) == code)
            seen.insert(code.value)
        }
        #expect(seen.count == 2_000)
    }

    @Test func aGuestMayTypeItInLowerCaseWithSpacesOrDashes() throws {
        let code = ReceiptCode(of: Fixtures.transaction())
        #expect(code.description.count == 14 && code.description.split(separator: "-").count == 3)
        #expect(try ReceiptCode(code.description.lowercased()) == code)
        #expect(try ReceiptCode(code.description.replacingOccurrences(of: "-", with: " ")) == code)
        for typo in ["", String(code.value.dropLast()), code.value + "X", "0000-0000-0000", "IIII-LLLL-OOOO"] {
            #expect(throws: ReceiptCode.ParseError.self) { try ReceiptCode(typo) }
        }
    }

    @Test func theStoreKeepsOnlyADigestThatDoesNotContainTheCode() {
        let code = ReceiptCode(of: Fixtures.transaction())
        #expect(code.digest.utf8.count == 64 && !code.digest.uppercased().contains(code.value))
    }
}
