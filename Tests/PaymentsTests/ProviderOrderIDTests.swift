import Foundation
import HotspotPayCore
import Payments
import TestSupport
import Testing

@Suite struct ProviderOrderIDTests {
    @Test func theTextFormMatchesMoMosPatternAndFindsItsTransactionOnly() throws {
        for _ in 0..<200 {
            let transaction = Fixtures.transaction()
            let text = ProviderOrderID(transaction).description
            #expect(text.range(of: #"^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$"#, options: .regularExpression) != nil)
            #expect(text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            let parsed = try #require(ProviderOrderID(parsing: text))
            #expect(parsed.matches(transaction))
            var sameCode = Fixtures.transaction()
            sameCode.orderCode = transaction.orderCode
            #expect(!parsed.matches(sameCode))
        }
        for bad in ["", "ABC234", "ABC234-", "ABC23I-0123456789ab", "ABC234-0123456789ag", "a-b-c"] {
            #expect(ProviderOrderID(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func thePayOSNumberIsBelowTwoToTheFiftyThreeAndReadsBack() throws {
        for _ in 0..<200 {
            let transaction = Fixtures.transaction()
            let number = ProviderOrderID.payOSNumber(for: transaction)
            #expect(number > 0 && number < 9_007_199_254_740_991)
            let parsed = try #require(ProviderOrderID(payOSNumber: number))
            #expect(parsed.orderCode == transaction.orderCode && parsed.matches(transaction))
        }
        #expect(ProviderOrderID(payOSNumber: 9_007_199_254_740_991) == nil)
        #expect(ProviderOrderID(payOSNumber: -1) == nil)
    }

    @Test func memosYieldEveryOrderCodeShapedRun() throws {
        let codes = TransferMemo.candidates(in: "NGUYEN VAN A ck wifiabc234 cam on").map(\.description)
        #expect(codes.contains("ABC234"))
        #expect(TransferMemo.candidates(in: "").isEmpty)
        #expect(TransferMemo.candidates(in: String(repeating: "Z", count: 100_000)).count == 1)
        #expect(TransferMemo.candidates(in: "IIIIIIII 0000000 11111").isEmpty)
    }
}
