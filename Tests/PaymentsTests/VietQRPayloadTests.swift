import Payments
import Testing

@Suite struct VietQRPayloadTests {
    @Test func crcMatchesTheCheckValue() {
        #expect(VietQRPayload.crc16("123456789") == "29B1")
    }

    @Test(arguments: [
        (
            "970423", "0123456789", false,
            "00020101021138540010A00000072701240006970423011001234567890208QRIBFTTA53037045802VN6304F64B"
        ),
        (
            "970423", "0099999999", false,
            "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4"
        ),
        (
            "970403", "9704031101234567", true,
            "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN63044F52"
        ),
    ])
    func staticPayloadsMatchTheKnownAnswers(bin: String, account: String, toCard: Bool, expected: String) throws {
        #expect(try VietQRPayload(bankBIN: bin, accountNumber: account, toCard: toCard).encoded() == expected)
    }

    @Test func aDynamicPayloadCarriesAmountAndOrderCodeAndReadsBack() throws {
        let payload = try VietQRPayload(
            bankBIN: "970436", accountNumber: "0123456789", amount: 10_000, purpose: "WIFI WF7K2Q"
        )
        .encoded()
        let fields = try EMVReader.verified(payload)
        #expect(fields["01"] == "12")
        #expect(fields["54"] == "10000")
        #expect(fields["53"] == "704")
        #expect(fields["58"] == "VN")
        let additional = Dictionary(
            try EMVReader.fields(fields["62"]!).map { ($0.id, $0.value) }, uniquingKeysWith: { $1 })
        #expect(additional["08"] == "WIFI WF7K2Q")
        let merchant = Dictionary(
            try EMVReader.fields(fields["38"]!).map { ($0.id, $0.value) }, uniquingKeysWith: { $1 })
        #expect(merchant["00"] == "A000000727" && merchant["02"] == "QRIBFTTA")
        #expect(merchant["01"] == "0006970436" + "01100123456789")
    }

    @Test func purposesAreFoldedToASCIIAndCut() throws {
        #expect(VietQRPayload.ascii("Thanh toán WiFi Đà Nẵng") == "Thanh toan WiFi Da Nang")
        let payload = try VietQRPayload(
            bankBIN: "970436", accountNumber: "1", amount: 1000, purpose: "Gói cước rất rất dài hơn hai mươi lăm ký tự"
        ).encoded()
        let additional = try EMVReader.fields(try EMVReader.verified(payload)["62"]!)
        #expect(additional.first?.value.count == 25)
        #expect(payload.allSatisfy { $0.isASCII })
    }

    @Test func badInputsAreRefused() {
        #expect(throws: VietQRPayload.BuildError.invalidBIN("97043")) {
            try VietQRPayload(bankBIN: "97043", accountNumber: "1").encoded()
        }
        #expect(throws: VietQRPayload.BuildError.invalidAccount("12-34")) {
            try VietQRPayload(bankBIN: "970436", accountNumber: "12-34").encoded()
        }
        #expect(throws: VietQRPayload.BuildError.invalidAmount(0)) {
            try VietQRPayload(bankBIN: "970436", accountNumber: "1", amount: 0).encoded()
        }
    }

    @Test func aTamperedPayloadFailsItsCRC() throws {
        let payload = try VietQRPayload(bankBIN: "970436", accountNumber: "0123456789", amount: 10_000).encoded()
        let tampered = payload.replacingOccurrences(of: "540510000", with: "540510001")
        #expect(throws: EMVReader.ReadError.self) { try EMVReader.verified(tampered) }
    }
}
