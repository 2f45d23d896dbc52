import Foundation
import HotspotPayCore
import TestSupport
import Testing
import Webhooks

/// The receiver's check printed in docs/OPERATIONS.md, run as written (python3) against
/// signatures made by the daemon's signer: an operator who copies it gets a working check.
@Suite struct WebhookDocsTests {
    @Test func theDocumentedPythonCheckAcceptsOurSignaturesAndRefusesForgeries() async throws {
        let operations = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("docs/OPERATIONS.md"), encoding: .utf8)
        let start = try #require(operations.range(of: "```python\nimport hashlib, hmac, time\n"))
        let end = try #require(operations.range(of: "```", range: start.upperBound..<operations.endIndex))
        let snippet = String(operations[start.upperBound..<end.lowerBound])

        let secret = Secret("whsec_0123456789abcdef0123456789abcdef")
        let body = #"{"id":"evt_1","type":"payment.succeeded","data":{"detail":"Thanh toán xong"}}"#
        let now = Int64(Date().timeIntervalSince1970)
        let good = WebhookSignature(secret: secret, timestamp: now, body: Array(body.utf8)).headerValue
        let old = WebhookSignature(secret: secret, timestamp: now - 600, body: Array(body.utf8)).headerValue
        let cases: [(header: String, body: String, expected: Bool)] = [
            (good, body, true), (good, body + " ", false), (old, body, false),
            ("t=\(now),v1=" + String(repeating: "0", count: 64), body, false), ("v1=abc", body, false),
        ]
        let directory = try Fixtures.temporaryDirectory()
        let script = directory.appendingPathComponent("check.py")
        var program = "import sys, json\n" + "import hashlib, hmac, time\n" + snippet + "\n"
        program += "cases = json.load(sys.stdin)\n"
        program += "print(json.dumps([verify(c['secret'], c['header'], c['body'].encode()) for c in cases]))\n"
        try program.write(to: script, atomically: true, encoding: .utf8)
        let input = try JSONSerialization.data(
            withJSONObject: cases.map { ["secret": secret.reveal, "header": $0.header, "body": $0.body] })

        let (status, printed) = try await SpawnedProcess.run(
            "/usr/bin/python3", [script.path], input: String(decoding: input, as: UTF8.self), discardingErrors: true)
        #expect(status == 0, "\(printed)")
        let output = Data(printed.utf8)
        let answers = try #require(try JSONSerialization.jsonObject(with: output) as? [Bool])
        #expect(answers == cases.map(\.expected), "\(String(decoding: output, as: UTF8.self))")
    }
}
