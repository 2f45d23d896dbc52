import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

@Suite struct SecretRotationTests {
    static let newKey = try! SecretKey(bytes: Array(repeating: 8, count: 32))

    @Test func resealingPutsEverySecretUnderTheNewKeyAndOldKeysStillOpenWhatTheySealed() async throws {
        let harness = try await StoreHarness()
        var lobby = Fixtures.router(id: "lobby", address: "10.0.0.9")
        lobby.api = RouterAPI(
            url: "https://10.0.0.9", user: "hotspotpay", password: Secret("rest-password-1"),
            certificateSHA256: String(repeating: "ab", count: 32))
        try await harness.store.addRouter(lobby, actor: "test")
        #expect(try await harness.store.resealSecrets(with: Self.newKey, actor: "cli") == 3)
        #expect(try await harness.store.sealedKeyIDs() == [Self.newKey.id: 3])

        // Only the new key (or a ring with it) opens them now.
        let renewed = try SQLiteStore(path: harness.path, cipher: SecretCipher(key: Self.newKey))
        #expect(try await renewed.router(id: "lobby")?.api?.password.reveal == "rest-password-1")
        let stale = try SQLiteStore(path: harness.path, cipher: SecretCipher(key: harness.key))
        await #expect(throws: StoreError.self) { _ = try await stale.routers() }
        // A daemon with the old key and a key file that now lists the new one first follows it.
        let followed = try SQLiteStore(
            path: harness.path,
            cipher: SecretCipher(
                keyring: SecretKeyring(current: harness.key),
                reload: { SecretKeyring(current: Self.newKey, previous: [harness.key]) }))
        #expect(try await followed.routers().count == 2)
        let audit = try await harness.store.recentAuditEvents(limit: 5)
        #expect(audit.first?.kind == .secretsResealed && audit.first?.detail.contains(Self.newKey.id) == true)
    }

    @Test func aKeyFileListsTheSealingKeyFirstAndTheOldOnesAfter() throws {
        let ring = try SecretKeyring(
            text: "# rotated 2026-12-02\n" + String(repeating: "08", count: 32) + "\n"
                + String(repeating: "07", count: 32)
                + "\n", source: "test")
        #expect(ring.current.id == Self.newKey.id)
        #expect(ring.ids.count == 2)
        #expect(throws: SecretKey.Invalid.self) { try SecretKeyring(text: "# nothing\n", source: "test") }
    }

    @Test func routersKeepAnsweringWhenTheStoreCannotBeReadForAMoment() throws {
        let failing = FailingOnDemand()
        let snapshot = RouterSnapshot(refreshSeconds: 0, load: { try failing.routers() })
        #expect(try snapshot.router(id: "cafe")?.id == "cafe")
        failing.fail = true
        #expect(try snapshot.router(id: "cafe")?.id == "cafe")
    }

    final class FailingOnDemand: @unchecked Sendable {
        var fail = false
        func routers() throws -> [Router] {
            if fail { throw StoreError.database(entity: "routers", reason: "busy") }
            return [Fixtures.router()]
        }
    }
}
