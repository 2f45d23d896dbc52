import Foundation
import HotspotPayCore
import Radius
import ServiceLifecycle
import Store
import Synchronization
import TestSupport
import Testing
import Workers

/// The unlock worker against FreeRADIUS standing in for the router's CoA port.
@Suite(.serialized) struct UnlockWorkerTests {
    @Test func moreTimeForASessionBegunUnderThePassIsOneCoAWithThePlansAttributesAndTheJobIsAcknowledged()
        async throws
    {
        let harness = try await WorkerHarness()
        let job = try await harness.payAgainWhileOnline()
        let client = try await harness.client()
        await harness.worker(messenger: client).deliver(job)
        await client.close()

        let done = try #require(try await harness.job(job.id, of: job.transactionID))
        #expect(done.status == .acked && done.attempts == 1, "\(done)")
        let lines = harness.peer.requests
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.hasPrefix("CoA-Request "))
        for expected in [
            #"User-Name = "AA:BB:CC:DD:EE:01""#, #"Acct-Session-Id = "81a00009""#, "Framed-IP-Address = 10.5.50.7",
            #"Calling-Station-Id = "AA:BB:CC:DD:EE:01""#, #"Mikrotik-Rate-Limit = "2M/10M""#,
            #"Mikrotik-Group = "paid""#,
        ] {
            #expect(line.contains(expected), "\(expected) in \(line)")
        }
        // Not on RouterOS's list of what a CoA can change: set at authentication only.
        #expect(!line.contains("Acct-Interim-Interval") && !line.contains("Mikrotik-Total-Limit"), "\(line)")
        #expect(line.contains("Session-Timeout = 7"))  // two hours bought: 7,1xx–7,200 seconds left
        let audit = try await harness.store.auditEvents(transactionID: try #require(job.transactionID))
        #expect(audit.map(\.kind).last == .unlockAcknowledged)
    }

    @Test func aJobThePaymentPathClaimedIsSentAtOnceWithoutTouchingTheQueue() async throws {
        let harness = try await WorkerHarness()
        let job = try await harness.payAgainWhileOnline(claimUnlock: true)
        // Stored already claimed: no worker polling the queue would pick it up.
        #expect(job.status == .sent && job.attempts == 1)
        #expect(try await harness.store.dueUnlockJobs(at: Date().addingTimeInterval(60), limit: 10).isEmpty)
        let client = try await harness.client()
        harness.worker(messenger: client).sendNow(job)
        let deadline = Date().addingTimeInterval(10)
        var done = try await harness.job(job.id, of: job.transactionID)
        while done?.status != .acked, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
            done = try await harness.job(job.id, of: job.transactionID)
        }
        await client.close()
        #expect(done?.status == .acked && done?.attempts == 1, "\(String(describing: done))")
        #expect(harness.peer.requests.filter { $0.hasPrefix("CoA-Request") }.count == 1)
    }

    @Test func aRefusedCoAIsFollowedByADisconnectAndCountsOnlyOnceTheRouterReportsTheNewSession() async throws {
        let harness = try await WorkerHarness()
        let job = try await harness.payAgainWhileOnline(userName: "refuses-coa")
        let client = try await harness.client()
        await harness.worker(messenger: client).deliver(job)
        await client.close()

        let waiting = try #require(try await harness.job(job.id, of: job.transactionID))
        // The Disconnect-ACK ended the old session; nothing yet says the device is back.
        #expect(waiting.status == .confirming, "\(waiting)")
        #expect(waiting.lastError?.contains("refused (Error-Cause 406); Disconnect sent") == true, "\(waiting)")
        let kinds = harness.peer.requests.map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(kinds == ["CoA-Request", "Disconnect-Request"])
        try await harness.reportNewSession()
        let done = try #require(try await harness.job(job.id, of: job.transactionID))
        #expect(done.status == .acked && done.unlockedBy == .disconnect, "\(done)")
    }

    @Test func aRouterWithNoSessionForThePaidDeviceLeavesItPaidNotConfirmedOnlineUntilItLogsIn() async throws {
        let harness = try await WorkerHarness()
        try await harness.reportSession(userName: "no-such-session")
        let job = try await harness.pay()
        let client = try await harness.client()
        await harness.worker(messenger: client).deliver(job)
        await client.close()

        let done = try #require(try await harness.job(job.id, of: job.transactionID))
        #expect(done.status == .unconfirmed, "\(done)")
        #expect(done.lastError?.contains("Error-Cause 503") == true, "\(done)")
        #expect(done.lastError?.contains("paid, not confirmed online") == true, "\(done)")
        let audit = try await harness.store.auditEvents(transactionID: try #require(job.transactionID))
        #expect(audit.map(\.kind).last == .unlockFailed)
        // The dashboard lists it with the router's evidence.
        let troubled = try await harness.store.troubledUnlockJobs(
            stuckBefore: Date(), failedSince: Date().addingTimeInterval(-60), limit: 10)
        #expect(troubled.map(\.id) == [job.id])
        // The device comes back: its login's Accounting-Start settles the job after all.
        try await harness.reportNewSession()
        let settled = try #require(try await harness.job(job.id, of: job.transactionID))
        #expect(settled.status == .acked, "\(settled)")
    }

    @Test func aDisconnectAcknowledgedWithoutANewSessionInTheWindowIsPaidNotConfirmedOnline() async throws {
        let harness = try await WorkerHarness()
        try await harness.reportSession()
        let job = try await harness.pay()
        #expect(job.action == .disconnect)
        let client = try await harness.client()
        var settings = UnlockWorker.Settings()
        settings.confirmSeconds = 0.2
        let worker = harness.worker(messenger: client, settings: settings)
        await worker.deliver(job)
        let waiting = try #require(try await harness.job(job.id, of: job.transactionID))
        #expect(waiting.status == .confirming && waiting.nextAttemptAt > Date().addingTimeInterval(-1), "\(waiting)")
        // Not "Connected": the router's ACK only said the old session is gone.
        let saleID = try #require(job.transactionID)
        let sale = try #require(try await harness.store.transaction(id: saleID))
        let grant = try await harness.store.activeGrant(mac: Fixtures.mac)
        let progress = CheckoutProgress.of(
            sale, grant: grant, unlockJobs: [waiting],
            sessions: try await harness.store.openSessions(mac: Fixtures.mac),
            now: Date())
        #expect(progress == .paid(unlockTrouble: false), "\(progress)")
        try await Task.sleep(for: .milliseconds(300))
        let due = try await harness.store.dueUnlockJobs(at: Date(), limit: 10)
        #expect(due.map(\.id) == [job.id])
        await worker.deliver(try #require(due.first))
        await client.close()
        let done = try #require(try await harness.job(job.id, of: job.transactionID))
        #expect(done.status == .unconfirmed, "\(done)")
        #expect(done.lastError?.contains("Paid, not confirmed online: no Accounting-Start") == true, "\(done)")
        #expect(done.lastError?.contains("no REST API to read /ip hotspot active") == true, "\(done)")
    }

    @Test func noAnswerSchedulesARetryWithBackoffAndGivesUpAfterTheLastAttempt() async throws {
        let harness = try await WorkerHarness(routerSecret: "not-what-the-router-has")
        try await harness.reportSession()
        let job = try await harness.pay()
        let client = try await harness.client()
        var settings = UnlockWorker.Settings()
        settings.maxAttempts = 2
        let worker = harness.worker(messenger: client, settings: settings)
        let before = Date()
        await worker.deliver(job)
        var state = try #require(try await harness.job(job.id, of: job.transactionID))
        #expect(state.status == .queued && state.attempts == 1)
        #expect(state.nextAttemptAt.timeIntervalSince(before) >= 2)
        #expect(state.lastError?.contains("no answer to 2 sends; next attempt in 2 s") == true, "\(state)")
        #expect(try await harness.store.dueUnlockJobs(at: Date(), limit: 10).isEmpty)

        await worker.deliver(state)
        state = try #require(try await harness.job(job.id, of: job.transactionID))
        #expect(state.status == .failed && state.attempts == 2, "\(state)")
        #expect(harness.peer.requests.isEmpty)  // FreeRADIUS drops what a wrong secret signed
        await client.close()
    }

    @Test func aJobInterruptedMidSendAndANewPaymentAreBothDeliveredByARunningWorker() async throws {
        let harness = try await WorkerHarness()
        try await harness.reportSession()
        let interrupted = try await harness.pay()
        // A previous worker claimed it and stopped before the router answered.
        _ = try await harness.store.apply(
            .send, toUnlockJob: interrupted.id, at: Date().addingTimeInterval(-600), nextAttemptAt: nil, error: nil)
        let client = try await harness.client()
        let worker = harness.worker(messenger: client)
        let group = ServiceGroup(services: [worker], logger: harness.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let first = try await Self.waitForStatus(.confirming, job: interrupted, harness: harness)
            #expect(first.attempts == 2)
            let otherMAC = try MACAddress("AA:BB:CC:DD:EE:02")
            try await harness.reportSession(userName: otherMAC.description, mac: otherMAC)
            let fresh = try await harness.pay(mac: otherMAC)
            worker.doorbell.ring()
            _ = try await Self.waitForStatus(.confirming, job: fresh, harness: harness)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await client.close()
        #expect(harness.peer.requests.count == 2)
    }

    @Test func aNewCappedGrantOnACoARouterIsUnlockedByDisconnectSoTheReauthenticationCarriesTheCap() async throws {
        let harness = try await WorkerHarness(dataCap: 5_000_000_000)
        try await harness.reportSession()
        let job = try await harness.pay()
        #expect(job.action == .disconnect)
        let client = try await harness.client()
        await harness.worker(messenger: client).deliver(job)
        await client.close()
        let done = try #require(try await harness.job(job.id, of: job.transactionID))
        #expect(done.status == .confirming, "\(done)")
        let line = try #require(harness.peer.requests.first)
        #expect(line.hasPrefix("Disconnect-Request ") && line.contains(#"Acct-Session-Id = "81a00007""#), "\(line)")
        #expect(!line.contains("Mikrotik-"), "\(line)")
        try await harness.reportNewSession()
        #expect(try await harness.job(job.id, of: job.transactionID)?.status == .acked)
        // The router's next session for the device settles a job still waiting.
        let second = try await harness.pay(mac: try MACAddress("AA:BB:CC:DD:EE:09"))
        let now = Date().addingTimeInterval(1)
        try await harness.store.recordSession(
            RadiusSession(
                routerID: "cafe", acctSessionID: "new-1", mac: try MACAddress("AA:BB:CC:DD:EE:09"),
                userName: "AA:BB:CC:DD:EE:09", framedIP: nil, startedAt: now, updatedAt: now))
        #expect(try await harness.job(second.id, of: second.transactionID)?.status == .acked)
    }

    @Test func aCoANeverCarriesAnAttributeRouterOSCannotChange() async throws {
        let harness = try await WorkerHarness()
        // A router as strict as RouterOS's manual: anything outside its CoA list is a NAK 401.
        let allowed = RouterOSCoA.changeable.union(RouterOSCoA.identification)
        let names = Mutex<[String]>([])
        let router = try ScriptedRouter(secret: WorkerHarness.secret) { request in
            guard request.code == 43 else { return .ack }
            // Vendor-specific attributes (26) are MikroTik's; the standard ones are checked by number.
            let standard: [UInt8: String] = [
                1: "User-Name", 8: "Framed-IP-Address", 27: "Session-Timeout", 28: "Idle-Timeout",
                31: "Calling-Station-Id", 44: "Acct-Session-Id", 55: "Event-Timestamp", 80: "Message-Authenticator",
                11: "Filter-Id", 62: "Port-Limit", 85: "Acct-Interim-Interval",
            ]
            for attribute in request.attributes where attribute.type != 26 {
                let name = standard[attribute.type] ?? "attribute \(attribute.type)"
                names.withLock { $0.append(name) }
                if !allowed.contains(name) { return .nak(errorCause: 401) }
            }
            return .ack
        }
        var configured = try #require(try await harness.store.router(id: "cafe"))
        configured.coaPort = router.port
        try await harness.store.updateRouter(configured, actor: "test")
        let job = try await harness.payAgainWhileOnline()
        let client = try await harness.client()
        await harness.worker(messenger: client).deliver(job)
        await client.close()
        router.stop()
        let done = try #require(try await harness.job(job.id, of: job.transactionID))
        #expect(done.status == .acked, "\(done) after \(names.withLock { $0 })")
        #expect(router.received.filter { $0.code == 43 }.count == 1)
        // Accepted as sent: no NAK, so no Disconnect throwing the guest off.
        #expect(router.received.filter { $0.code == 40 }.isEmpty, "\(names.withLock { $0 })")
    }

    @Test func aCoARouterCannotBeGivenPaidAttributesACoACannotChange() {
        var router = Fixtures.router(strategy: .coa)
        router.paidAttributes = [RadiusAttribute(name: "Mikrotik-Address-List", value: "paid")]
        #expect(
            router.problems.contains { $0.field == "paid_attributes" && $0.message.contains("Mikrotik-Address-List") })
        router.strategy = .login
        #expect(router.problems.isEmpty)
    }

    /// RFC 5080's defaults and `unlock.resend_after`'s minimum (31 s), all divided by ten.
    static let tenthOfRFC5080 = RetransmissionPolicy(
        initialSeconds: 0.2, maximumSeconds: 1.6, attempts: 5, totalSeconds: 3)

    @Test func aSlowNAKThenAnUnansweredDisconnectIsNeverTakenForInterruptedByItsOwnNode() async throws {
        let harness = try await WorkerHarness()
        // NAKs the CoA only when its third retransmission arrives; never answers the Disconnect.
        let router = try ScriptedRouter(secret: WorkerHarness.secret) { request in
            request.code == 43 && request.copy >= 4 ? .nak(errorCause: 401) : .silence
        }
        var configured = try #require(try await harness.store.router(id: "cafe"))
        configured.coaPort = router.port
        try await harness.store.updateRouter(configured, actor: "test")
        let client = try await CoAClient.start(host: "127.0.0.1", policy: Self.tenthOfRFC5080, logger: harness.logger)
        var settings = UnlockWorker.Settings()
        settings.stuckAfterSeconds = 3.1
        settings.backoffSeconds = 600  // one attempt is what is looked at here
        let worker = harness.worker(messenger: client, settings: settings)
        let job = try await harness.payAgainWhileOnline()
        let group = ServiceGroup(services: [worker], logger: harness.logger)
        let outcome = try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            worker.doorbell.ring()
            let deadline = Date().addingTimeInterval(15)
            var current = try await harness.job(job.id, of: job.transactionID)
            while Date() < deadline, current?.lastError == nil || current?.status == .sent {
                try await Task.sleep(for: .milliseconds(50))
                current = try await harness.job(job.id, of: job.transactionID)
            }
            // Long enough for a wrongly requeued job to be picked up and sent a second time.
            try await Task.sleep(for: .seconds(1.5))
            current = try await harness.job(job.id, of: job.transactionID)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return current
        }
        router.stop()
        await client.close()
        let done = try #require(outcome)
        // One attempt that ended in a scheduled retry: neither requeued mid-send nor given up.
        #expect(done.status == .queued && done.attempts == 1, "\(done)")
        #expect(done.lastError?.contains("no answer") == true, "\(done)")
        #expect(done.lastError?.contains("interrupted") != true, "\(done)")
        let received = router.received
        let coaIdentifiers = Set(received.filter { $0.code == 43 }.map(\.identifier))
        let disconnectIdentifiers = Set(received.filter { $0.code == 40 }.map(\.identifier))
        #expect(coaIdentifiers.count == 1, "one CoA, retransmitted: \(received.map(\.code))")
        #expect(disconnectIdentifiers.count == 1, "one Disconnect, retransmitted: \(received.map(\.code))")
    }

    @Test func aJobTakenOverByAnotherNodeWhileItIsSentIsLeftToThatNode() async throws {
        let harness = try await WorkerHarness()
        try await harness.reportSession()
        let job = try await harness.pay()
        let store = harness.store
        // The router stays silent; meanwhile another node decides the send was interrupted and
        // queues the job again for itself.
        let router = try ScriptedRouter(secret: WorkerHarness.secret) { request in
            if request.copy == 1 {
                Task { _ = try? await store.requeueUnlockJobs(sentBefore: Date().addingTimeInterval(60), at: Date()) }
            }
            return .silence
        }
        var configured = try #require(try await harness.store.router(id: "cafe"))
        configured.coaPort = router.port
        try await harness.store.updateRouter(configured, actor: "test")
        let client = try await harness.client()
        await harness.worker(messenger: client).deliver(job)
        router.stop()
        await client.close()
        let done = try #require(try await harness.job(job.id, of: job.transactionID))
        #expect(done.status == .queued, "the other node's to send: \(done)")
        let audit = try await harness.store.auditEvents(transactionID: try #require(job.transactionID))
        #expect(!audit.contains { $0.kind == .unlockFailed }, "\(audit)")
    }

    @Test func aJobGivenUpForAnErrorIsAudited() async throws {
        let harness = try await WorkerHarness()
        try await harness.reportSession()
        let job = try await harness.pay()
        let worker = harness.worker(messenger: BrokenMessenger())
        await worker.deliver(job)
        let done = try #require(try await harness.job(job.id, of: job.transactionID))
        #expect(done.status == .failed, "\(done)")
        let audit = try await harness.store.auditEvents(transactionID: try #require(job.transactionID))
        #expect(audit.last?.kind == .unlockFailed && audit.last?.detail.contains("socket closed") == true, "\(audit)")
    }

    struct BrokenMessenger: RouterMessenger {
        struct Closed: Error, CustomStringConvertible { var description: String { "socket closed" } }
        func send(_ code: RadiusCode, attributes: [RadiusPacket.Attribute], to destination: CoAClient.Destination)
            async throws -> CoAResult
        { throw Closed() }
    }

    static func waitForStatus(_ status: UnlockJobStatus, job: UnlockJob, harness: WorkerHarness) async throws
        -> UnlockJob
    {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let current = try await harness.job(job.id, of: job.transactionID), current.status == status {
                return current
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("job \(job.id) never reached \(status)")
    }
}
