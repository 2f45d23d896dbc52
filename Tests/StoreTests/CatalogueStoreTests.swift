import Foundation
import GRDB
import HotspotPayCore
import Store
import TestSupport
import Testing

@Suite struct CatalogueStoreTests {
    @Test(arguments: StoreBackend.allCases) func plansAreListedInDisplayOrderAndInactiveOnesOnlyOnRequest(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        var day = Fixtures.plan(id: "1d", price: 30_000, seconds: 86_400)
        day.displayOrder = -1
        try await harness.store.addPlan(day, actor: "test")
        try await harness.store.addPlan(Fixtures.plan(id: "old", active: false), actor: "test")
        #expect(try await harness.store.plans(includeInactive: false).map(\.id) == ["1d", "1h"])
        #expect(try await harness.store.plans(includeInactive: true).map(\.id) == ["1d", "1h", "old"])
        #expect(try await harness.store.plan(id: "1d") == day)
    }

    @Test(arguments: StoreBackend.allCases) func addingAnExistingPlanIsADuplicateAndUpdatingAMissingOneIsNotFound(
        _ backend: StoreBackend
    ) async throws {
        let harness = try await BackendHarness(backend)
        await #expect(throws: StoreError.duplicate(entity: "plan", field: "id", value: "1h")) {
            try await harness.store.addPlan(Fixtures.plan(), actor: "test")
        }
        await #expect(throws: StoreError.notFound(entity: "plan", id: "nope")) {
            try await harness.store.updatePlan(Fixtures.plan(id: "nope"), actor: "test")
        }
        #expect(try await harness.store.addPlanIfMissing(Fixtures.plan(price: 99_000), actor: "config") == false)
        #expect(try await harness.store.plan(id: "1h")?.price == Money(dong: 10_000))
    }

    @Test(arguments: StoreBackend.allCases) func invalidPlansAreRefusedWithEveryProblem(_ backend: StoreBackend)
        async throws
    {
        let harness = try await BackendHarness(backend)
        let bad = Plan(id: "X", name: LocalizedText(vi: "", en: ""), price: Money(dong: 1), durationSeconds: 1)
        // The store's contract: every failure is a StoreError, here naming each problem.
        do {
            try await harness.store.addPlan(bad, actor: "test")
            Issue.record("an invalid plan was stored")
        } catch {
            guard case .invalid(let problems) = error else {
                Issue.record("expected .invalid, got \(error)")
                return
            }
            #expect(Set(problems.map(\.field)) == ["id", "name_vi", "price", "duration"], "\(problems)")
        }
    }

    @Test func routerSecretsAreSealedAtRestAndOpenWithTheKey() async throws {
        let harness = try await BackendHarness(.sqlite)
        let router = try #require(await harness.store.router(id: "cafe"))
        #expect(router.secret.reveal == Fixtures.router().secret.reveal)
        #expect(try await harness.store.router(address: IPAddress("10.0.0.1"))?.id == "cafe")

        let raw = try DatabaseQueue(path: harness.path)
        let sealed = try await raw.read { db in try String.fetchOne(db, sql: "SELECT secret_sealed FROM routers")! }
        #expect(sealed.hasPrefix("v1:\(harness.key.id):"))
        #expect(!sealed.contains("router-secret"))
        let file = try Data(contentsOf: URL(fileURLWithPath: harness.path))
        #expect(file.range(of: Data("router-secret-cafe".utf8)) == nil)
    }

    @Test func aDatabaseWithSecretsRefusesToOpenThemWithoutOrWithAnotherKey() async throws {
        let harness = try await BackendHarness(.sqlite)
        let keyless = try SQLiteStore(path: harness.path, cipher: nil)
        // Checkout only asks whether the router exists, which needs no key.
        #expect(try await keyless.routerExists(id: "cafe"))
        await #expect(throws: StoreError.secretKeyMissing(encryptedSecrets: 1)) { try await keyless.checkSecretKey() }
        #expect(StoreError.secretKeyMissing(encryptedSecrets: 1).description.contains("HOTSPOTPAY_SECRET_KEY"))
        await #expect(throws: StoreError.secretKeyRequired(entity: "router", id: "cafe")) {
            try await keyless.routers()
        }
        await #expect(throws: StoreError.secretKeyRequired(entity: "router", id: "new")) {
            try await keyless.addRouter(Fixtures.router(id: "new", address: "10.0.0.2"), actor: "test")
        }
        #expect(
            StoreError.duplicate(entity: "plan", field: "order_code", value: "").description
                == "a plan with that order_code already exists")
        // Plans carry no secret: the CLI can list them without the key.
        #expect(try await keyless.plans(includeInactive: true).count == 1)

        let other = try SecretKey(bytes: Array(repeating: 9, count: 32))
        let wrong = try SQLiteStore(path: harness.path, cipher: SecretCipher(key: other))
        await #expect(
            throws: StoreError.secretKeyMismatch(
                entity: "router", id: "cafe", storedKeyID: harness.key.id, givenKeyID: other.id)
        ) {
            try await wrong.checkSecretKey()
        }
        try await harness.sqlite.checkSecretKey()
    }

    @Test func aSealedSecretMovedToAnotherRowDoesNotOpen() throws {
        let cipher = SecretCipher(key: try SecretKey(bytes: Array(repeating: 1, count: 32)))
        let sealed = try cipher.seal("s3cret", entity: "router", id: "a")
        #expect(try cipher.open(sealed, entity: "router", id: "a") == "s3cret")
        #expect(throws: StoreError.self) { try cipher.open(sealed, entity: "router", id: "b") }
    }

    @Test func keysAreReadFromBase64HexOrAFile() throws {
        let text = SecretKey.generateText()
        let key = try SecretKey(text: text, source: "test")
        let hex = String(repeating: "ab", count: 32)
        #expect(try SecretKey(text: hex, source: "test").id.count == 8)
        #expect(throws: SecretKey.Invalid.self) { try SecretKey(text: "too-short", source: "test") }
        #expect(try SecretKey.fromEnvironment([SecretKey.environmentVariable: text])?.id == key.id)
        #expect(try SecretKey.fromEnvironment([:]) == nil)
    }

    @Test(arguments: StoreBackend.allCases) func routersCanBeUpdatedAndRemovedWithHistoryKept(_ backend: StoreBackend)
        async throws
    {
        let harness = try await BackendHarness(backend)
        var router = try #require(await harness.store.router(id: "cafe"))
        router.coaPort = 1700
        router.strategy = .login
        try await harness.store.updateRouter(router, actor: "test")
        #expect(try await harness.store.router(id: "cafe")?.coaPort == 1700)
        let transaction = try await harness.newPending()
        try await harness.store.removeRouter(id: "cafe", actor: "test")
        #expect(try await harness.store.routers().isEmpty)
        #expect(try await harness.store.routerExists(id: "cafe") == false)
        #expect(try await harness.store.transaction(id: transaction.id)?.routerID == "cafe")
        await #expect(throws: StoreError.notFound(entity: "router", id: "cafe")) {
            try await harness.store.removeRouter(id: "cafe", actor: "test")
        }
    }

    @Test func migrationsAreRecordedAndRunningThemAgainChangesNothing() async throws {
        let harness = try await BackendHarness(.sqlite)
        #expect(try harness.sqlite.migrationStatus().allSatisfy(\.applied))
        #expect(try harness.sqlite.migrate().isEmpty)
        #expect(try await harness.sqlite.integrityCheck() == "ok")
    }

    @Test func theAuditLogCannotBeRewritten() async throws {
        let harness = try await BackendHarness(.sqlite)
        let raw = try DatabaseQueue(path: harness.path)
        #expect(try await raw.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_events")! } == 2)
        await #expect(throws: DatabaseError.self) {
            try await raw.write { db in try db.execute(sql: "UPDATE audit_events SET detail = 'x'") }
        }
        await #expect(throws: DatabaseError.self) {
            try await raw.write { db in try db.execute(sql: "DELETE FROM audit_events") }
        }
    }
}
