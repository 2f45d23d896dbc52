import Foundation
import HotspotPayCore
import Testing
import Webhooks

@Suite struct WebhookSignatureTests {
    let secret = Secret("whsec_0123456789abcdef0123456789abcdef")
    let body = Array(#"{"id":"evt_1","type":"payment.succeeded"}"#.utf8)

    @Test func aSignatureVerifiesOnlyForItsBodySecretAndTime() throws {
        let signature = WebhookSignature(secret: secret, timestamp: 1_800_000_000, body: body)
        let header = signature.headerValue
        #expect(header.hasPrefix("t=1800000000,v1="))
        let read = try #require(WebhookSignature(header: header))
        #expect(read.verifies(body: body, secret: secret, now: 1_800_000_100))
        #expect(!read.verifies(body: body + [0x20], secret: secret, now: 1_800_000_100), "body changed")
        #expect(!read.verifies(body: body, secret: Secret("whsec_another_secret_entirely"), now: 1_800_000_100))
        #expect(!read.verifies(body: body, secret: secret, now: 1_800_000_301), "replayed after the tolerance")
    }

    /// The value a receiver computes with any HMAC library: fixed so the documented snippet can be
    /// checked against it (docs/OPERATIONS.md).
    @Test func theSignatureIsHexHMACSHA256OfTimestampDotBody() {
        let signature = WebhookSignature(
            secret: Secret("whsec_docs_example_secret"), timestamp: 1_767_225_600, body: Array("{}".utf8))
        #expect(signature.headerValue == "t=1767225600,v1=\(Self.expectedDocsExample)")
    }

    @Test func aHeaderWithSeveralSignaturesVerifiesWithAnyAndJunkIsRefused() throws {
        let good = WebhookSignature(secret: secret, timestamp: 100, body: body).signatures[0]
        let header = try #require(
            WebhookSignature(header: "t=100, v1=\(String(repeating: "0", count: 64)), v1=\(good), v0=x"))
        #expect(header.verifies(body: body, secret: secret, now: 100))
        #expect(WebhookSignature(header: "v1=abc") == nil)
        #expect(WebhookSignature(header: "t=abc,v1=abc") == nil)
        #expect(WebhookSignature(header: "") == nil)
    }

    static let expectedDocsExample = "a49ea75e5f84528e0093034bb4b0fb0ac3137090d507398ccfd5d3f2bb3d69bf"
}
