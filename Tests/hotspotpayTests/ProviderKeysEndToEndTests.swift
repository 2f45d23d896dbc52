import FakeProviders
import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// MoMo switched on in the config file with its keys entered through the operator API: the
/// daemon starts without them (MoMo off, a warning), takes them at once (a MoMo purchase is
/// signed with them and accepted by the local MoMo), keeps them sealed on disk, keeps them across
/// a restart, and `rekey` re-seals them.
@Suite(.serialized) struct ProviderKeysEndToEndTests {
    @Test func keysEnteredInTheConsoleAreUsedAtOnceSealedAndRotated() async throws {
        let fake = FakeProviderServer()
        try await fake.run { base in
            let peer = try await FreeRADIUSPeer(secret: VenueDaemon.routerSecret)
            let venue = try VenueDaemon(
                coaPort: peer.port,
                moreProviders: """
                      momo:
                        partner_code: \(FakeCredentials.momoPartnerCode)
                        endpoint: \(base)
                        timeout_seconds: 30
                    """)
            try await venue.start()
            #expect(try await venue.addOperator("lan", password: ConsoleEndToEndTests.password) == 0)
            let token = try await venue.apiToken(for: "lan")

            func buyWithMoMo(_ mac: String) async throws -> Int {
                try await HTTP.postJSON(
                    URL(string: "\(venue.baseURL)/api/transactions")!,
                    ["plan": "1h", "provider": "momo", "mac": mac, "router": VenueDaemon.routerID]
                ).status
            }
            #expect(try await buyWithMoMo("F2:00:00:00:0D:01") != 201, "MoMo is off until its keys are in")

            let keys = """
                {"set":{"access_key":"\(FakeCredentials.momoAccessKey)","secret_key":"\(FakeCredentials.momoSecretKey)"}}
                """
            let saved = try await Self.call(venue, "PATCH", "/api/admin/provider-keys/momo", token: token, body: keys)
            #expect(saved.status == 200, "\(saved.body)")
            #expect(saved.body.contains(#""applied":true"#), "\(saved.body)")
            #expect(try await buyWithMoMo("F2:00:00:00:0D:02") == 201, "signed with the keys entered, at once")

            let listed = try await Self.call(venue, "GET", "/api/admin/provider-keys", token: token)
            #expect(listed.body.contains(#""in_use":"database""#) && listed.body.contains(#""in_use":"file""#))
            #expect(!listed.body.contains(FakeCredentials.momoSecretKey), "never shown back")
            let refused = try await Self.call(
                venue, "PATCH", "/api/admin/provider-keys/momo", token: token,
                body: #"{"set":{"secret_key":"change-me-please"}}"#)
            #expect(refused.status == 422 && refused.body.contains("placeholder"), "\(refused.body)")

            // On disk only sealed.
            for suffix in ["", "-wal"] {
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: venue.databasePath + suffix))) ?? Data()
                #expect(bytes.range(of: Data(FakeCredentials.momoSecretKey.utf8)) == nil, "plaintext in \(suffix)")
            }

            // A restart reads them from the database before the providers are built.
            try await venue.stop()
            try await venue.start()
            #expect(try await buyWithMoMo("F2:00:00:00:0D:03") == 201)
            let rekey = try await venue.command(["rekey", "--new-key-file", try Self.newKeyFile(venue)])
            #expect(rekey.status == 0, "\(rekey.stderr)")
            #expect(rekey.stdout.contains("re-sealed 3 secrets"), "router secret + two MoMo keys: \(rekey.stdout)")
            try await venue.stop()
        }
    }

    static func newKeyFile(_ venue: VenueDaemon) throws -> String {
        let file = venue.directory.appendingPathComponent("new.key")
        try (SecretKey.generateText() + "\n").write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    static func call(_ venue: VenueDaemon, _ method: String, _ path: String, token: String, body: String? = nil)
        async throws -> (status: Int, body: String)
    {
        var request = URLRequest(url: URL(string: venue.baseURL + path)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
