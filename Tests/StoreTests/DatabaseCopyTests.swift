import Foundation
import GRDB
import HotspotPayCore
import Store
import TestSupport
import Testing

@testable import PostgresStore

/// Growing from one box: a SQLite database with sales, grants, unlock jobs, sessions, vouchers,
/// a webhook endpoint, provider keys and its audit log copied into PostgreSQL, verified table by
/// table, and usable there with the same key.
@Suite struct DatabaseCopyTests {
    @Test func aVenuesSQLiteDatabaseIsCopiedIntoPostgreSQLAndVerified() async throws {
        let harness = try await BackendHarness(.sqlite)
        let sqlite = harness.sqlite
        var paid: [Transaction] = []
        for index in 0..<5 {
            let sale = try await harness.newPending(mac: MACAddress(octets: [2, 0, 0, 0, 1, UInt8(index)]))
            _ = try await sqlite.confirmPayment(harness.confirmation(sale, reference: "R\(index)"))
            paid.append(sale)
        }
        _ = try await harness.newPending(mac: MACAddress(octets: [2, 0, 0, 0, 2, 0]))
        try await sqlite.recordSession(
            RadiusSession(
                routerID: "cafe", acctSessionID: "s1", mac: paid[0].mac, userName: "\(paid[0].mac)", framedIP: nil,
                startedAt: Date(), updatedAt: Date(), inputBytes: 10, outputBytes: 20))
        var generator = SystemRandomNumberGenerator()
        try await sqlite.addVoucherBatch(
            VoucherBatch(
                id: "batch-1", planID: "1h", count: 2, validUntil: Date().addingTimeInterval(86_400),
                price: Money(dong: 8_000), devicesPerCode: 1, note: "tết", createdAt: Date(), createdBy: "test"),
            codes: [VoucherCode.random(using: &generator), VoucherCode.random(using: &generator)], actor: "test")
        try await sqlite.addWebhookEndpoint(
            WebhookEndpoint(
                id: "pms", url: "https://pms.example.com/hooks", events: [.paymentSucceeded],
                secret: Secret("whsec_0123456789abcdef0123"), createdAt: Date()), actor: "test")
        try await sqlite.changeProviderCredentials(
            ["momo.secret_key": Secret("momo-secret-0123456789")], provider: .momo, at: Date(), actor: "test")
        _ = try await sqlite.claimIdempotencyKey(scope: "api", key: "k1", requestDigest: "d", at: Date())
        try await sqlite.finishIdempotencyKey(
            scope: "api", key: "k1",
            response: StoredResponse(status: 201, contentType: "application/json", body: [0, 1, 255]))
        let auditLines = try await sqlite.recentAuditEvents(limit: 1000).count

        let url = try PostgresURL(try await PostgresCluster.shared().database())
        let target = PostgresStore(
            url: url, password: nil, cipher: SecretCipher(key: harness.key), connections: 4,
            timeout: BackendHarness.postgresTimeout, logger: BackendHarness.logger)
        defer { target.close() }
        let report = try await DatabaseCopy(sqlitePath: harness.path, target: target).run()
        #expect(report.allSatisfy { $0.matches })
        #expect(report.first { $0.name == "transactions" }?.rows == 6)
        #expect(report.first { $0.name == "audit_events" }?.rows == auditLines)

        // The copy works as a store: the same sales, grants, secrets and what comes next.
        for sale in paid {
            #expect(try await target.transaction(id: sale.id)?.status == .paid)
            #expect(try await target.activeGrant(mac: sale.mac) != nil)
        }
        #expect(try await target.router(id: "cafe")?.secret == Fixtures.router().secret)
        #expect(try await target.webhookEndpoint(id: "pms")?.secret == Secret("whsec_0123456789abcdef0123"))
        #expect(try await target.storedProviderCredentials()["momo.secret_key"] == Secret("momo-secret-0123456789"))
        #expect(
            try await target.claimIdempotencyKey(scope: "api", key: "k1", requestDigest: "d", at: Date())
                == .replay(StoredResponse(status: 201, contentType: "application/json", body: [0, 1, 255])))
        try await target.append(AuditEvent(at: Date(), kind: .planChanged, actor: "test", detail: "after the copy"))
        let newest = try #require(try await target.recentAuditEvents(limit: 1).first)
        #expect(newest.sequence == Int64(auditLines + 1), "the audit sequence carries on after the copied lines")

        // A second copy into a database that has data is refused, and nothing is added.
        await #expect(throws: DatabaseCopy.Failure.self) {
            _ = try await DatabaseCopy(sqlitePath: harness.path, target: target).run()
        }
        #expect(try await target.countTransactions(matching: TransactionFilter()) == 6)
    }
}
