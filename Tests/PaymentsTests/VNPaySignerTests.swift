import Payments
import Testing

@Suite struct VNPaySignerTests {
    static let payParameters = [
        "vnp_Amount": "100000", "vnp_BankCode": "NCB", "vnp_Command": "pay", "vnp_CreateDate": "20210101070000",
        "vnp_CurrCode": "VND", "vnp_IpAddr": "127.0.0.1", "vnp_Locale": "vn", "vnp_OrderInfo": "Test order",
        "vnp_OrderType": "other", "vnp_ReturnUrl": "https://example.com/return", "vnp_TmnCode": "TEST_TMN_CODE",
        "vnp_TxnRef": "ref1234567", "vnp_Version": "2.1.0",
    ]

    @Test func thePayURLQueryAndHashMatchTheDerivedVector() {
        let query = VNPaySigner.signedQuery(Self.payParameters)
        #expect(
            query
                == "vnp_Amount=100000&vnp_BankCode=NCB&vnp_Command=pay&vnp_CreateDate=20210101070000&vnp_CurrCode=VND&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Test+order&vnp_OrderType=other&vnp_ReturnUrl=https%3A%2F%2Fexample.com%2Freturn&vnp_TmnCode=TEST_TMN_CODE&vnp_TxnRef=ref1234567&vnp_Version=2.1.0"
        )
        #expect(
            VNPaySigner(hashSecret: "test_secret").hash(Self.payParameters)
                == "d8e4eb24f51f157d6898a30ced0539e4f8f6dec834c0ab10d6cf9d768f9785ce8ba2edf1aab9a12d4561b162cde07d9b4088379523e61c642056d8b04095132b"
        )
    }

    @Test func hashFieldsAndEmptyValuesAreNotSigned() {
        var parameters = Self.payParameters
        parameters["vnp_SecureHashType"] = "HmacSHA512"
        parameters["vnp_SecureHash"] = "whatever"
        parameters["vnp_BankTranNo"] = ""
        parameters["other"] = "ignored"
        #expect(VNPaySigner.signedQuery(parameters) == VNPaySigner.signedQuery(Self.payParameters))
    }

    @Test func verificationAcceptsTheRightHashInAnyCaseAndNothingElse() {
        let signer = VNPaySigner(hashSecret: "test_secret")
        var parameters = Self.payParameters
        parameters["vnp_SecureHash"] = signer.hash(parameters).uppercased()
        #expect(signer.verify(parameters))
        parameters["vnp_Amount"] = "100100"
        #expect(!signer.verify(parameters))
        parameters["vnp_Amount"] = "100000"
        #expect(!VNPaySigner(hashSecret: "other").verify(parameters))
        parameters["vnp_SecureHash"] = nil
        #expect(!signer.verify(parameters))
    }

    @Test func queriesDecodeStrictly() throws {
        #expect(try FormURLEncoding.decodeQuery("a=1&b=x+y%2Fz&c=") == ["a": "1", "b": "x y/z", "c": ""])
        #expect(try FormURLEncoding.decodeQuery("vnp_OrderInfo=Thanh+to%C3%A1n")["vnp_OrderInfo"] == "Thanh toán")
        #expect(throws: FormURLEncoding.DecodingError.duplicateKey("a")) { try FormURLEncoding.decodeQuery("a=1&a=2") }
        #expect(throws: FormURLEncoding.DecodingError.badEscape("%G1")) { try FormURLEncoding.decodeQuery("a=%G1") }
        #expect(throws: FormURLEncoding.DecodingError.notUTF8("%FF")) { try FormURLEncoding.decodeQuery("a=%FF") }
        #expect(throws: FormURLEncoding.DecodingError.self) {
            try FormURLEncoding.decodeQuery(String(repeating: "a", count: 9000))
        }
    }

    @Test func encodingRoundTrips() throws {
        for text in ["Thanh toán gói 1 giờ", "a+b=c&d", "~*!'()", "Order #1234567890"] {
            #expect(try FormURLEncoding.decodeComponent(FormURLEncoding.encode(text)) == text)
        }
        #expect(FormURLEncoding.encode("Payment for order #1234567890") == "Payment+for+order+%231234567890")
    }
}
