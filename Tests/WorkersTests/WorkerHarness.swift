import Foundation
import HotspotPayCore
import Logging
import Payments
import Radius
import Store
import TestSupport
import Workers

/// A store with plan `1h` and router `cafe` at 127.0.0.1 whose CoA port is a FreeRADIUS
/// stand-in, a paid grant for ``Fixtures/mac`` and the accounting session the router reported.
struct WorkerHarness {
    static let secret = "router-secret-cafe-0123456789"
    static let fast = RetransmissionPolicy(initialSeconds: 0.2, maximumSeconds: 0.4, attempts: 2, totalSeconds: 2)

    let store: SQLiteStore
    let peer: FreeRADIUSPeer
    let plan: Plan
    let logger = Logger(label: "workers-test")

    /// `dataCap`: the plan's data cap (nil: none). A new pass is unlocked by Disconnect, more time
    /// for a session already under the pass by CoA.
    init(_ label: String = #function, routerSecret: String = secret, dataCap: Int64? = nil) async throws {
        plan = Fixtures.plan(dataCap: dataCap)
        try RadiusDictionary.load()
        let directory = try Fixtures.temporaryDirectory(label)
        store = try SQLiteStore(
            path: directory.appendingPathComponent("workers.sqlite").path,
            cipher: SecretCipher(key: try SecretKey(bytes: Array(repeating: 3, count: 32))))
        peer = try await FreeRADIUSPeer(secret: Self.secret, label)
        try await store.addPlan(plan, actor: "test")
        var router = Fixtures.router(id: "cafe", address: "127.0.0.1")
        router.secret = Secret(routerSecret)
        router.coaPort = peer.port
        try await store.addRouter(router, actor: "test")
    }

    /// The captive session the router reported before the guest paid.
    func reportSession(userName: String = Fixtures.mac.description, mac: MACAddress = Fixtures.mac) async throws {
        let started = Date().addingTimeInterval(-120)
        try await store.recordSession(
            RadiusSession(
                routerID: "cafe", acctSessionID: "81a00007", mac: mac, userName: userName,
                framedIP: try IPAddress("10.5.50.7"), startedAt: started, updatedAt: started))
    }

    /// The router reports the device's new session (its login after the Disconnect).
    func reportNewSession(mac: MACAddress = Fixtures.mac, sessionID: String = "81a0000a") async throws {
        let started = Date().addingTimeInterval(1)
        try await store.recordSession(
            RadiusSession(
                routerID: "cafe", acctSessionID: sessionID, mac: mac, userName: mac.description,
                framedIP: try IPAddress("10.5.50.7"), startedAt: started, updatedAt: started))
    }

    /// A device already online under its pass: its first purchase, then the session the router
    /// reported once it logged in with the paid attributes (which settles that purchase's unlock).
    /// Returns the unlock job of a second purchase (more time), which goes to that session by CoA.
    func payAgainWhileOnline(
        userName: String = Fixtures.mac.description, sessionID: String = "81a00009", claimUnlock: Bool = false
    ) async throws -> UnlockJob {
        _ = try await pay()
        let started = Date().addingTimeInterval(1)
        try await store.recordSession(
            RadiusSession(
                routerID: "cafe", acctSessionID: sessionID, mac: Fixtures.mac, userName: userName,
                framedIP: try IPAddress("10.5.50.7"), startedAt: started, updatedAt: started))
        let job = try await pay(claimUnlock: claimUnlock)
        guard job.action == .coa else { throw HarnessError("more time went as \(job.action), not by CoA") }
        return job
    }

    /// A paid purchase: returns the unlock job the payment queued.
    func pay(mac: MACAddress = Fixtures.mac, claimUnlock: Bool = false) async throws -> UnlockJob {
        let transaction = Fixtures.transaction(plan: plan, mac: mac)
        try await store.insertTransaction(transaction, actor: "test")
        var confirmation = PaymentConfirmation(
            transactionID: transaction.id, provider: .sandbox, providerReference: "SBX-\(transaction.id)",
            amount: transaction.amount, at: Date(), actor: "test")
        confirmation.claimUnlock = claimUnlock
        let outcome = try await store.confirmPayment(confirmation)
        guard case .applied(_, _, let job?, _) = outcome else { throw HarnessError("payment not applied: \(outcome)") }
        return job
    }

    func worker(
        messenger: any RouterMessenger, settings: UnlockWorker.Settings = UnlockWorker.Settings()
    ) -> UnlockWorker {
        UnlockWorker(
            stores: .init(
                jobs: store, grants: store, sessions: store, routers: store, transactions: store, audit: store),
            messenger: messenger, settings: settings, logger: logger)
    }

    func client() async throws -> CoAClient {
        try await CoAClient.start(host: "127.0.0.1", policy: Self.fast, logger: logger)
    }

    func job(_ id: String, of transactionID: String?) async throws -> UnlockJob? {
        try await store.unlockJobs(transactionID: transactionID ?? "").first { $0.id == id }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
