import Payments
import Testing

/// The vectors of docs/PROVIDERS.md: known answers from the providers' SDK tests, and values derived from their documented rules.
@Suite struct SignatureTests {
    static let momoKey = "K951B6PE1waDMi640xX08PD3vg6EkVlz"

    @Test func momoCreateSignatureMatchesTheDerivedVector() {
        let fields = SignedFields([
            "accessKey": "F8BBA842ECF85", "amount": "10000", "extraData": "",
            "ipnUrl": "https://portal.example.vn/momo/ipn",
            "orderId": "WIFI20240101A1", "orderInfo": "WiFi 1 gio", "partnerCode": "MOMO",
            "redirectUrl": "https://portal.example.vn/momo/return", "requestId": "WIFI20240101A1",
            "requestType": "captureWallet",
        ])
        #expect(
            fields.canonical
                == "accessKey=F8BBA842ECF85&amount=10000&extraData=&ipnUrl=https://portal.example.vn/momo/ipn&orderId=WIFI20240101A1&orderInfo=WiFi 1 gio&partnerCode=MOMO&redirectUrl=https://portal.example.vn/momo/return&requestId=WIFI20240101A1&requestType=captureWallet"
        )
        #expect(
            Signature.hmacSHA256(key: Self.momoKey, message: fields.canonical)
                == "6578eb4539f2e940558ae2add3f6f62b59d064a4456ce04b9e10ff748d9f20bf")
    }

    @Test func momoIPNSignatureMatchesTheDerivedVector() {
        let message =
            "accessKey=F8BBA842ECF85&amount=10000&extraData=&message=Successful.&orderId=WIFI20240101A1&orderInfo=WiFi 1 gio&orderType=momo_wallet&partnerCode=MOMO&payType=qr&requestId=WIFI20240101A1&responseTime=1721720663942&resultCode=0&transId=4088878653"
        #expect(
            Signature.hmacSHA256(key: Self.momoKey, message: message)
                == "b8ee6e519d1218598271b8587d3f52512781857f413a947af9a6838c60c729c0")
    }

    @Test func vnpayHashesMatchTheKnownAnswers() {
        #expect(
            Signature.hmacSHA512(key: "secret", message: "data")
                == "6274071d33dec2728a2a1c903697fc1210b3252221c3d137e12d9f1ae5c8ed53e05e692b05a9eefff289667e2387c0fc0bd8a3d9bd7000782730c856a77a77d5"
        )
        #expect(
            Signature.hmacSHA512(
                key: "YOUR_SECURE_SECRET",
                message: "vnp_Amount=10000&vnp_OrderInfo=Payment+for+order+%231234567890&vnp_TnxRef=1234567890")
                == "7bb8160a5d2085a85b3267817a40ee4f770a335282f19714726e6fc6f28a64c75a1e7e9c1aa96f3cbda5ce44095088fb4cb2af66c596d2f655b0b53966312089"
        )
    }

    @Test func payOSCreateSignatureMatchesTheSDKVector() {
        let fields = SignedFields([
            "amount": "3300", "cancelUrl": "http://localhost", "description": "ABC456", "orderCode": "0",
            "returnUrl": "http://localhost",
        ])
        #expect(
            Signature.hmacSHA256(key: "test_checksum_key", message: fields.canonical)
                == "189864813370cdf819974dc3f63c3a93a7e7af0a0d10b21344b14e4f7358999b")
        #expect(
            Signature.hmacSHA256(key: "test_checksum_key", message: SignedFields().canonical)
                == "d9dd60ea06e1ee2dc960267c7a798f0c70307a4783ac0460d015772412c37938")
    }

    @Test func comparisonIgnoresHexCaseButNothingElse() {
        let good = "b8ee6e519d1218598271b8587d3f52512781857f413a947af9a6838c60c729c0"
        #expect(Signature.matches(good.uppercased(), expected: good))
        #expect(!Signature.matches(String(good.dropLast()) + "1", expected: good))
        #expect(!Signature.matches(String(good.dropLast()), expected: good))
        #expect(!Signature.matches("", expected: good))
    }
}
