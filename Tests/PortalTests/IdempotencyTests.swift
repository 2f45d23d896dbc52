import Foundation
import HTTPTypes
import HotspotPayCore
import Hummingbird
import HummingbirdTesting
import Store
import Testing

@testable import Portal

/// `Idempotency-Key`: a retried purchase is one order, whatever the captive browser does.
@Suite struct IdempotencyTests {
    static let key = HTTPField.Name("Idempotency-Key")!

    static func count(_ harness: PortalRoutesTests.Harness) async throws -> Int {
        try await harness.store.transactions(matching: TransactionFilter(mac: try MACAddress("AA:BB:CC:DD:EE:01")))
            .count
    }

    @Test func aRetryStormWithOneKeyCreatesOneOrderAndEveryAnswerNamesIt() async throws {
        let harness = try await PortalRoutesTests.Harness()
        let body = PortalRoutesTests.body(PortalRoutesTests.valid)
        try await harness.app.test(.router) { client in
            let answers = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String, Bool).self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await client.execute(
                            uri: "/api/transactions", method: .post, headers: [Self.key: "tap-7f3a"], body: body
                        ) { response in
                            (
                                response.status, String(buffer: response.body),
                                response.headers[.init("Idempotent-Replayed")!] == "true"
                            )
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(try await Self.count(harness) == 1)
            // Each answer is the order, replayed, or "still being answered" (409, retry in a second).
            let created = answers.filter { $0.0 == .created }
            #expect(created.filter { !$0.2 }.count == 1, "exactly one answer did the work: \(answers.map(\.0))")
            #expect(answers.allSatisfy { $0.0 == .created || $0.0 == .conflict }, "\(answers.map(\.0))")
            #expect(Set(created.map(\.1)).count == 1, "every replay is the same body")
            // Later, the same retry gets the stored answer.
            try await client.execute(
                uri: "/api/transactions", method: .post, headers: [Self.key: "tap-7f3a"], body: body
            ) { response in
                #expect(response.status == .created)
                #expect(response.headers[.init("Idempotent-Replayed")!] == "true")
                #expect(String(buffer: response.body) == created.first?.1)
            }
            #expect(try await Self.count(harness) == 1)
        }
    }

    @Test func aKeyReusedForAnotherRequestIsRefusedAndNoKeyMeansNoMemory() async throws {
        let harness = try await PortalRoutesTests.Harness()
        try await harness.app.test(.router) { client in
            try await client.execute(
                uri: "/api/transactions", method: .post, headers: [Self.key: "k1"],
                body: PortalRoutesTests.body(PortalRoutesTests.valid)
            ) { #expect($0.status == .created) }
            var changed = PortalRoutesTests.valid
            changed["plan"] = "off"
            let other = changed
            try await client.execute(
                uri: "/api/transactions", method: .post, headers: [Self.key: "k1"], body: PortalRoutesTests.body(other)
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("different request"))
            }
            try await client.execute(
                uri: "/api/transactions", method: .post, headers: [Self.key: String(repeating: "x", count: 300)],
                body: PortalRoutesTests.body(PortalRoutesTests.valid)
            ) { #expect($0.status == .badRequest) }
            // Without a key, two posts are two orders, as before.
            for _ in 0..<2 {
                try await client.execute(
                    uri: "/api/transactions", method: .post, body: PortalRoutesTests.body(PortalRoutesTests.valid)
                ) { #expect($0.status == .created) }
            }
            #expect(try await Self.count(harness) == 3)
        }
    }

    @Test func aStrangersRefusalsAndOurOwnFailuresAreNotKept() async throws {
        let harness = try await PortalRoutesTests.Harness()
        var fields = PortalRoutesTests.valid
        fields["plan"] = "nope"
        // A retry sends the same bytes (a dictionary serialised twice may not be).
        let unknownPlan = PortalRoutesTests.body(fields)
        try await harness.app.test(.router) { client in
            for attempt in 0..<2 {
                try await client.execute(
                    uri: "/api/transactions", method: .post, headers: [Self.key: "k2"],
                    body: unknownPlan
                ) { response in
                    // A guest's refusal is answered again, not kept: nothing to remember a day for.
                    #expect(response.status == .notFound, "attempt \(attempt)")
                    #expect(response.headers[.init("Idempotent-Replayed")!] == nil)
                }
            }
            // A stranger's flood of made-up keys with bodies that are refused keeps no row at all.
            for index in 0..<300 {
                let body = index % 2 == 0 ? ByteBuffer(string: "{") : unknownPlan
                try await client.execute(
                    uri: "/api/transactions", method: .post, headers: [Self.key: "flood-\(index)"], body: body
                ) { #expect($0.status.code >= 400 && $0.status.code < 500) }
            }
        }
        #expect(try await harness.store.purgeIdempotencyKeys(before: Date().addingTimeInterval(1)) == 0)
        // A failure of ours (nil answer) gives the key back for a real retry.
        _ = try await harness.store.claimIdempotencyKey(scope: "s", key: "k3", requestDigest: "d", at: Date())
        try await harness.store.finishIdempotencyKey(scope: "s", key: "k3", response: nil)
        #expect(
            try await harness.store.claimIdempotencyKey(scope: "s", key: "k3", requestDigest: "d", at: Date()) == .new)
        // Kept a day, then forgotten.
        #expect(try await harness.store.purgeIdempotencyKeys(before: Date().addingTimeInterval(1)) == 1)
    }
}

/// The operator API takes the same header on every creating or changing call.
@Suite struct AdminIdempotencyTests {
    @Test func aScriptRetryingAPlanCreationMakesOnePlan() async throws {
        let harness = try await AdminHarness()
        try await harness.app.test(.router) { client in
            let json = #"{"id":"2h","name_vi":"2 giờ","price":15000,"duration":"2h"}"#
            var headers = HTTPFields()
            headers[IdempotencyTests.key] = "script-run-41"
            let first = try await AdminHarness.call(
                client, .post, "/api/admin/plans", json: json, headers: headers, token: harness.token)
            #expect(first.status == .created, "\(first.body)")
            let retry = try await AdminHarness.call(
                client, .post, "/api/admin/plans", json: json, headers: headers, token: harness.token)
            // Without the key the second call would be a 409 (the id is taken); with it, the first answer.
            #expect(retry.status == .created && retry.body == first.body)
            #expect(retry.headers[.init("Idempotent-Replayed")!] == "true")
            let plans = try await AdminHarness.call(client, .get, "/api/admin/plans", token: harness.token)
            #expect(plans.body.components(separatedBy: #""id":"2h""#).count == 2, "\(plans.body)")
        }
    }
}

/// A new API token or webhook secret is shown once: the answer kept for replays never holds it.
@Suite struct IdempotentSecretTests {
    @Test func aReplayedTokenCreationWithholdsTheTokenAndTheDatabaseNeverHoldsIt() async throws {
        let harness = try await AdminHarness()
        let headers: HTTPFields = [IdempotencyTests.key: "make-token-1"]
        try await harness.app.test(.router) { client in
            let first = try await AdminHarness.call(
                client, .post, "/api/admin/tokens", json: #"{"name":"script"}"#, headers: headers,
                token: harness.token)
            #expect(first.status == .created)
            let secret = try #require(first.object["token"] as? String)
            #expect(secret.hasPrefix("hpt_"))
            let replay = try await AdminHarness.call(
                client, .post, "/api/admin/tokens", json: #"{"name":"script"}"#, headers: headers,
                token: harness.token)
            #expect(replay.status == .created)
            #expect(replay.headers[.init("Idempotent-Replayed")!] == "true")
            #expect(replay.headers[.init("Idempotent-Secret-Withheld")!] == "true")
            #expect(!replay.body.contains(secret) && !replay.body.contains("hpt_"), "\(replay.body)")
            #expect((replay.object["token"] as? String)?.contains("withheld") == true)
            #expect(replay.object["name"] as? String == "script")
            // Nowhere in the database files (the WAL included) is the token in clear.
            let directory = URL(fileURLWithPath: harness.store.path).deletingLastPathComponent()
            for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                let bytes = try Data(contentsOf: directory.appendingPathComponent(file))
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds the token")
            }
        }
    }

    @Test func webhookSecretsAnywhereInAnAnswerAreWithheldAndOtherAnswersAreKeptAsTheyAre() {
        let answer = Array(#"{"id":"w1","secret":"whsec_0011","nested":[{"token":"hpt_99"}],"url":"https://x"}"#.utf8)
        let (kept, withheld) = WithheldSecrets.redact(answer)
        let text = String(decoding: kept, as: UTF8.self)
        #expect(withheld && !text.contains("whsec_") && !text.contains("hpt_") && text.contains("https://x"))
        let plain = Array(#"{"id":"t1","status":"pending"}"#.utf8)
        #expect(WithheldSecrets.redact(plain) == (plain, false))
    }
}
