import Foundation
import Payments
import Testing

@Suite struct CallbackSignatureTests {
    static let momo = MoMoSigner(accessKey: "F8BBA842ECF85", secretKey: "K951B6PE1waDMi640xX08PD3vg6EkVlz")

    static func ipn(
        signature: String = "b8ee6e519d1218598271b8587d3f52512781857f413a947af9a6838c60c729c0", amount: String = "10000"
    )
        -> [UInt8]
    {
        Array(
            """
            {"partnerCode":"MOMO","orderId":"WIFI20240101A1","requestId":"WIFI20240101A1","amount":\(amount),
             "orderInfo":"WiFi 1 gio","orderType":"momo_wallet","transId":4088878653,"resultCode":0,
             "message":"Successful.","payType":"qr","responseTime":1721720663942,"extraData":"",
             "signature":"\(signature)","unknownField":{"x":[1,2]}}
            """.utf8)
    }

    @Test func theDerivedMoMoIPNVerifies() throws {
        let body = try #require(JSONValue.parse(Self.ipn()))
        let fields = try Self.momo.verifyIPN(body)
        #expect(fields["transId"] == "4088878653" && fields["amount"] == "10000" && fields["resultCode"] == "0")
    }

    @Test func aChangedAmountOrSignatureIsRefused() throws {
        #expect(throws: MoMoSigner.IPNError.badSignature) {
            try Self.momo.verifyIPN(JSONValue.parse(Self.ipn(amount: "10001"))!)
        }
        #expect(throws: MoMoSigner.IPNError.badSignature) {
            try Self.momo.verifyIPN(JSONValue.parse(Self.ipn(signature: String(repeating: "0", count: 64)))!)
        }
        #expect(throws: MoMoSigner.IPNError.missingField("amount")) {
            try Self.momo.verifyIPN(JSONValue.parse(Self.ipn(amount: "10000.5"))!)
        }
        #expect(throws: MoMoSigner.IPNError.notJSON) { try Self.momo.verifyIPN(.array([])) }
        #expect(JSONValue.parse(Array("{\"a\":".utf8)) == nil)
        #expect(JSONValue.parse(Array(repeating: UInt8(ascii: " "), count: 70_000)) == nil)
        #expect(JSONValue.parse([0xFF, 0xFE]) == nil)
    }

    @Test func payOSSignsTheSortedDataObject() throws {
        #expect(
            WebhookSignatures.payOS(data: .object([:]), checksumKey: "test_checksum_key")
                == "d9dd60ea06e1ee2dc960267c7a798f0c70307a4783ac0460d015772412c37938")
        let data = try #require(
            JSONValue.parse(
                Array(#"{"orderCode":123,"amount":3000,"description":"WF7K2Q","reference":null,"paid":true}"#.utf8)))
        let expected = Signature.hmacSHA256(
            key: "k", message: "amount=3000&description=WF7K2Q&orderCode=123&paid=true&reference=")
        #expect(WebhookSignatures.payOS(data: data, checksumKey: "k") == expected)
    }

    @Test func cassoSignsTheWholeBodySortedRecursively() throws {
        let body = try #require(
            JSONValue.parse(Array(#"{"error":0,"data":{"id":7,"description":"CT WF7K2Q \"x\"","amount":10000}}"#.utf8)))
        #expect(body.sortedJSON == #"{"data":{"amount":10000,"description":"CT WF7K2Q \"x\"","id":7},"error":0}"#)
        let header = try #require(WebhookSignatures.cassoHeader("t=1700000000000,v1=abc"))
        #expect(header.timestamp == "1700000000000" && header.signature == "abc")
        #expect(WebhookSignatures.cassoHeader("v1=abc") == nil)
        #expect(
            WebhookSignatures.casso(body: body, timestamp: "1", checksumKey: "k")
                == Signature.hmacSHA512(key: "k", message: "1." + body.sortedJSON))
    }

    @Test func sepayNeedsTheExactKey() {
        #expect(WebhookSignatures.sepayAuthorized(header: "Apikey s3cret", apiKey: "s3cret"))
        #expect(!WebhookSignatures.sepayAuthorized(header: "Apikey s3cre", apiKey: "s3cret"))
        // The key is not hex: a key that differs only in case is another key.
        #expect(!WebhookSignatures.sepayAuthorized(header: "Apikey S3CRET", apiKey: "s3cret"))
        #expect(!WebhookSignatures.sepayAuthorized(header: "Apikey s3cret", apiKey: "S3cret"))
        #expect(!WebhookSignatures.sepayAuthorized(header: "Bearer s3cret", apiKey: "s3cret"))
        #expect(!WebhookSignatures.sepayAuthorized(header: nil, apiKey: "s3cret"))
    }
}
