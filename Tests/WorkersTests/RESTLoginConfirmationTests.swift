import Foundation
import HotspotPayCore
import RouterOSAPI
import Store
import Synchronization
import TestSupport
import Testing
import Workers

/// A REST login is "online" only when the router's own active list says so: a router may answer the
/// login request before RADIUS has decided.
@Suite(.serialized) struct RESTLoginConfirmationTests {
    /// A router's REST API that takes every login and lists the device as active only from the
    /// `activeFrom`-th look (nil: never).
    final class RouterAPIFake: HotspotLoginAPI, @unchecked Sendable {
        let activeFrom: Int?
        private let looks = Mutex(0)
        private let logins = Mutex(0)
        init(activeFrom: Int?) { self.activeFrom = activeFrom }

        var loginCount: Int { logins.withLock { $0 } }

        func login(router: Router, user: String, password: String, mac: MACAddress, fallbackIP: IPAddress?)
            async throws(RouterAPIError) -> IPAddress
        {
            logins.withLock { $0 += 1 }
            return try! IPAddress("10.5.50.7")
        }

        func isActive(router: Router, mac: MACAddress) async throws(RouterAPIError) -> Bool {
            let look = looks.withLock { value -> Int in
                value += 1
                return value
            }
            return activeFrom.map { look >= $0 } ?? false
        }
    }

    static func loginRouter(_ harness: WorkerHarness) async throws {
        var router = try #require(try await harness.store.router(id: "cafe"))
        router.strategy = .login
        router.hotspotAddress = "10.5.50.1"
        router.api = RouterAPI(
            url: "https://10.5.50.1", user: "hotspotpay", password: Secret("rest-password-1"),
            certificateSHA256: String(repeating: "ab", count: 32))
        try await harness.store.updateRouter(router, actor: "test")
    }

    func worker(_ harness: WorkerHarness, _ api: RouterAPIFake) async throws -> UnlockWorker {
        let store = harness.store
        var settings = UnlockWorker.Settings()
        settings.activeChecks = 3
        return UnlockWorker(
            stores: .init(
                jobs: store, grants: store, sessions: store, routers: store, transactions: store, audit: store),
            messenger: try await harness.client(), loginAPI: api, settings: settings, logger: harness.logger)
    }

    @Test func aLoginTheRouterAnsweredButNeverListedIsNotCountedAsOnline() async throws {
        let harness = try await WorkerHarness()
        try await Self.loginRouter(harness)
        let job = try await harness.pay()
        #expect(job.action == .login)
        let api = RouterAPIFake(activeFrom: nil)
        let worker = try await self.worker(harness, api)
        await worker.deliver(job)
        let after = try #require(try await harness.job(job.id, of: job.transactionID))
        #expect(api.loginCount == 1)
        #expect(after.status != .acked, "\(after)")
        #expect(
            after.lastError?.contains("not in /ip hotspot active") == true, "\(String(describing: after.lastError))")
        let audit = try await harness.store.auditEvents(transactionID: try #require(job.transactionID))
        #expect(!audit.contains { $0.kind == .unlockAcknowledged })
    }

    @Test func aLoginTheRouterListsAMomentLaterIsOnlineByTheAPI() async throws {
        let harness = try await WorkerHarness()
        try await Self.loginRouter(harness)
        let job = try await harness.pay()
        let worker = try await self.worker(harness, RouterAPIFake(activeFrom: 2))
        await worker.deliver(job)
        let after = try #require(try await harness.job(job.id, of: job.transactionID))
        #expect(after.status == .acked && after.unlockedBy == .api, "\(after)")
        #expect(after.lastError?.contains("listed in /ip hotspot active") == true)
    }

    @Test func aCoARoutersDisconnectIsConfirmedByTheActiveListWhenNoAccountingStartCame() async throws {
        let harness = try await WorkerHarness()
        try await harness.reportSession()
        var router = try #require(try await harness.store.router(id: "cafe"))
        router.api = RouterAPI(
            url: "https://10.5.50.1", user: "hotspotpay", password: Secret("rest-password-1"),
            certificateSHA256: String(repeating: "ab", count: 32))
        try await harness.store.updateRouter(router, actor: "test")
        let job = try await harness.pay()
        #expect(job.action == .disconnect)
        let listed = RouterAPIFake(activeFrom: 1)
        let worker = try await self.worker(harness, listed)
        await worker.deliver(job)
        let waiting = try #require(try await harness.job(job.id, of: job.transactionID))
        #expect(waiting.status == .confirming, "\(waiting)")
        // Its window closes with no Accounting-Start (lost, or accounting off): the router's own
        // active list is asked before anything is called online.
        await worker.deliver(waiting)
        let done = try #require(try await harness.job(job.id, of: job.transactionID))
        #expect(done.status == .acked && done.unlockedBy == .disconnect, "\(done)")
        #expect(done.lastError?.contains("listed in cafe's /ip hotspot active") == true, "\(done)")

        // The same for a device the active list does not show: paid, not confirmed online.
        let other = try MACAddress("AA:BB:CC:DD:EE:02")
        try await harness.reportSession(userName: other.description, mac: other)
        let second = try await harness.pay(mac: other)
        let unlisted = try await self.worker(harness, RouterAPIFake(activeFrom: nil))
        await unlisted.deliver(second)
        await unlisted.deliver(try #require(try await harness.job(second.id, of: second.transactionID)))
        let missing = try #require(try await harness.job(second.id, of: second.transactionID))
        #expect(missing.status == .unconfirmed, "\(missing)")
        #expect(missing.lastError?.contains("/ip hotspot active does not list AA:BB:CC:DD:EE:02") == true, "\(missing)")
    }
}
