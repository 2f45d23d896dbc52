import Foundation
import HotspotPayCore
import Logging
import Metrics
import Radius
import RouterOSAPI
import ServiceLifecycle
import Store

/// Delivers the unlock jobs the payment path queues (docs/ARCHITECTURE.md, flow step 4): a CoA-Request with the
/// paid attributes to the session the router reported; a NAK → Disconnect-Request so the device
/// logs in again and gets them from the RADIUS server; no answer → the next attempt is stored
/// with a backoff, so a restart resumes it. Jobs are claimed with a conditional update, so
/// several nodes can run workers over one database without sending a job twice.
public final class UnlockWorker: Service, UnlockDispatch, Sendable {
    public struct Settings: Sendable {
        /// How often the queue is looked at when nobody rings the doorbell.
        public var pollSeconds: Double = 1
        /// Attempts (each with its RFC 5080 retransmissions) before a job is given up.
        public var maxAttempts = 8
        /// First retry delay; doubles per attempt up to `maxBackoffSeconds`.
        public var backoffSeconds: Double = 2
        public var maxBackoffSeconds: Double = 300
        /// Jobs worked on at once (each waits for one router's answer).
        public var concurrency = 64
        /// A job `sent` whose lease is older than this was interrupted (its node stopped or died
        /// mid-send) and is sent again. The sending node renews the lease every third of this
        /// while it retransmits, and before a Disconnect follows a refused CoA, so a send longer
        /// than this (a slow NAK, then an unanswered Disconnect) is never doubled.
        public var stuckAfterSeconds: Double = 60
        /// How often the router's active list is read after a REST login before it is not counted
        /// as online (a quarter second apart).
        public var activeChecks = 8
        /// How long after a router acknowledged an unlock its own state has to show the device
        /// online (the new session's Accounting-Start, or `/ip hotspot active`) before the job is
        /// reported as paid, not confirmed online. After a Disconnect RouterOS authenticates a
        /// `login-by=mac` device again as soon as it sends traffic.
        public var confirmSeconds: Double = 10

        public init() {}
    }

    public struct Stores: Sendable {
        var jobs: any UnlockJobStore
        var grants: any GrantStore
        var sessions: any SessionStore
        var routers: any AccessLookup
        var transactions: any TransactionStore
        var audit: any AuditLog

        public init(
            jobs: any UnlockJobStore, grants: any GrantStore, sessions: any SessionStore,
            routers: any AccessLookup,
            transactions: any TransactionStore, audit: any AuditLog
        ) {
            self.jobs = jobs
            self.grants = grants
            self.sessions = sessions
            self.routers = routers
            self.transactions = transactions
            self.audit = audit
        }
    }

    let stores: Stores
    let messenger: any RouterMessenger
    let loginAPI: any HotspotLoginAPI
    let settings: Settings
    let logger: Logger
    let clock: @Sendable () -> Date
    /// Rung by the payment path (and the sweeper) so a new job goes out at once, not at the next poll.
    public let doorbell = Doorbell()
    private let inFlight = InFlightSet()
    private let routers: RouterSnapshot

    /// `routers`: the daemon's shared snapshot; without one the worker keeps its own.
    public init(
        stores: Stores, messenger: any RouterMessenger, loginAPI: any HotspotLoginAPI = RouterOSClient(),
        routers: RouterSnapshot? = nil, settings: Settings = Settings(), logger: Logger,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.stores = stores
        self.routers = routers ?? RouterSnapshot(stores.routers, clock: clock)
        self.messenger = messenger
        self.loginAPI = loginAPI
        self.settings = settings
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        try await requeueInterrupted()
        // Checked again while running: a job cut off by a stop just before this start is not
        // stuck yet at start-up, and another node may die mid-send at any time.
        var nextRequeue = clock().addingTimeInterval(min(5, settings.stuckAfterSeconds / 4))
        var nextRenewal = clock().addingTimeInterval(settings.stuckAfterSeconds / 3)
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                do {
                    // Renewed before anything is requeued, so this node's own sends never look stuck.
                    if clock() >= nextRenewal {
                        try await renewLeases()
                        nextRenewal = clock().addingTimeInterval(settings.stuckAfterSeconds / 3)
                    }
                    if clock() >= nextRequeue {
                        try await requeueInterrupted()
                        nextRequeue = clock().addingTimeInterval(min(5, settings.stuckAfterSeconds / 4))
                    }
                    let room = settings.concurrency - inFlight.count
                    if room > 0 {
                        for job in try await stores.jobs.dueUnlockJobs(at: clock(), limit: room)
                        where inFlight.insert(job.id) {
                            group.addTask {
                                await self.deliver(job)
                                self.inFlight.remove(job.id)
                                self.doorbell.ring()  // room for the next one
                            }
                        }
                    }
                } catch {
                    logger.error("cannot read the unlock queue", metadata: ["error": "\(error)"])
                }
                let wait = min(settings.pollSeconds, max(0.01, nextRenewal.timeIntervalSince(clock())))
                await cancelWhenGracefulShutdown { await self.doorbell.wait(seconds: wait) }
            }
        }
    }

    /// Keeps the lease of every job this node is sending fresh.
    private func renewLeases() async throws {
        let ids = inFlight.all
        guard !ids.isEmpty else { return }
        _ = try await stores.jobs.renewUnlockJobLeases(ids: ids, at: clock())
    }

    private func requeueInterrupted() async throws {
        let now = clock()
        let requeued = try await stores.jobs.requeueUnlockJobs(
            sentBefore: now.addingTimeInterval(-settings.stuckAfterSeconds), at: now)
        if requeued > 0 {
            logger.notice("unlock jobs interrupted mid-send are sent again", metadata: ["jobs": "\(requeued)"])
        }
    }

    public var sendsClaimedJobs: Bool { true }

    /// Rings the doorbell: a job was queued, look at the queue now.
    public func queued() { doorbell.ring() }

    /// Sends a job the payment path stored already claimed (`sent`), at once and without
    /// touching the queue. Runs beside the worker's own jobs; if the daemon stops first, the job
    /// is sent again after `stuckAfterSeconds` like any send cut off mid-way.
    ///
    /// `grant` and `transaction` are what the payment's own database transaction just wrote:
    /// passing them saves reading them back (the paid attributes and, until the router reports
    /// a session, the device's IP).
    public func sendNow(_ job: UnlockJob, grant: Grant? = nil, transaction: Transaction? = nil) {
        guard job.status == .sent, inFlight.insert(job.id) else { return }
        let known = Known(grant: grant, clientIP: transaction?.clientIP)
        Task {
            await self.deliver(job, claimed: true, known: known)
            self.inFlight.remove(job.id)
        }
    }

    /// What the caller already read or wrote about a job, so the worker need not read it again.
    private struct Known: Sendable {
        var grant: Grant?
        var clientIP: IPAddress?
    }

    /// One job, start to finish. Errors are recorded on the job, never thrown.
    public func deliver(_ job: UnlockJob) async {
        await deliver(job, claimed: false)
    }

    private func deliver(_ job: UnlockJob, claimed alreadyClaimed: Bool, known: Known = Known()) async {
        do {
            try await attempt(job, claimed: alreadyClaimed, known: known)
        } catch StoreError.transition(let conflict) {
            // The job moved while we sent it: an Accounting-Start acknowledged it, or another node
            // took it over. Its new owner decides what happens next; giving up here would undo that.
            logger.notice(
                "unlock job settled elsewhere while being sent", metadata: ["job": "\(job.id)", "state": "\(conflict)"])
        } catch StoreError.unavailable(_, let reason) {
            // The database is away, not the router: giving up would leave a paid device offline
            // for good. The job stays as it is; once its lease runs out (stuckAfterSeconds) a
            // node sends it again.
            logger.warning(
                "unlock job paused: the database is unavailable; it is sent again when the database is back",
                metadata: ["job": "\(job.id)", "error": "\(reason)"])
        } catch {
            logger.error("unlock job failed", metadata: ["job": "\(job.id)", "error": "\(error)"])
            do {
                try await finish(job, .giveUp, "given up: \(error)", kind: .unlockFailed)
            } catch {
                logger.error("unlock job could not be given up", metadata: ["job": "\(job.id)", "error": "\(error)"])
            }
        }
    }

    private func attempt(_ job: UnlockJob, claimed alreadyClaimed: Bool, known: Known) async throws {
        guard let router = try routers.router(id: job.routerID) else {
            return try await finish(job, .giveUp, "router \(job.routerID) is no longer configured", kind: .unlockFailed)
        }
        let session = try await stores.sessions.openSessions(mac: job.mac).filter { $0.routerID == job.routerID }
            .max { $0.updatedAt < $1.updatedAt }
        if job.status == .confirming {
            return try await confirm(job, router: router, session: session)
        }
        if job.action == .login {
            return try await logIn(job, router: router, session: session, claimed: alreadyClaimed)
        }
        // The portal's IP is only needed when the router has not reported the session yet.
        var clientIP = known.clientIP
        if session == nil, clientIP == nil, let id = job.transactionID {
            clientIP = try await stores.transactions.transaction(id: id)?.clientIP
        }
        let identification = UnlockMessage.identification(
            session: session, mac: job.mac, clientIP: clientIP)
        let message: UnlockMessage
        // Whether the device's grant is still active: a Disconnect for a paid device is an unlock
        // (it must come back with the paid attributes), one for a revoked or moved pass a removal.
        var unlocking: Grant?
        switch job.action {
        case .coa:
            let now = clock()
            let current: Grant?
            if let grant = known.grant, grant.mac == job.mac, grant.status == .active {
                current = grant
            } else {
                current = try await stores.grants.activeGrant(mac: job.mac)
            }
            guard let grant = current, !grant.isExhausted(at: now) else {
                return try await finish(job, .giveUp, "the device's grant is no longer active", kind: .unlockFailed)
            }
            unlocking = grant
            if let session, Self.isPaid(session, grant) {
                message = .coa(
                    identifying: identification, paid: AccessDecision.coaAttributes(grant, router: router, now: now))
            } else {
                // The session began before the pass (captive) or is unknown. The manual lists what a
                // CoA may change but does not say a new Mikrotik-Group re-applies the profile's
                // address list or filters, so only a new login is sure to carry the paid
                // attributes: end the session and let the router authenticate the device again.
                message = .disconnect(identifying: identification)
            }
        case .disconnect, .login:
            message = .disconnect(identifying: identification)
            // The payment path hands over the grant it just wrote: no read on the way to the router.
            let current: Grant?
            if let grant = known.grant, grant.mac == job.mac, grant.status == .active {
                current = grant
            } else {
                current = try await stores.grants.activeGrant(mac: job.mac)
            }
            if let grant = current, !grant.isExhausted(at: clock()) { unlocking = grant }
        }
        guard let claimed = try await claim(job, alreadyClaimed: alreadyClaimed) else { return }
        let destination = CoAClient.Destination(
            host: router.address.description, port: router.coaPort, secret: router.secret.reveal)
        let started = clock()
        var result = try await messenger.send(message.code, attributes: message.attributes, to: destination)
        var note = "\(message.code == .coaRequest ? "CoA" : "Disconnect") to \(router.id)"
        var sentDisconnect = message.code == .disconnectRequest
        if case .refused(let cause) = result, message.code == .coaRequest {
            sentDisconnect = true
            // The router would not change the session: end it, and the re-login gets the paid attributes.
            note += " refused (Error-Cause \(cause.map(String.init) ?? "none")); Disconnect sent"
            // A second full retransmission window starts: renew the lease for it.
            _ = try await stores.jobs.renewUnlockJobLeases(ids: [claimed.id], at: clock())
            result = try await messenger.send(
                .disconnectRequest, attributes: UnlockMessage.disconnect(identifying: identification).attributes,
                to: destination)
        }
        let milliseconds = Int(clock().timeIntervalSince(started) * 1000)
        switch result {
        case .acknowledged where unlocking == nil:
            // A removal (revoked, ended or moved pass): the router's ACK is what was asked for.
            try await finish(
                claimed, .acknowledge, note + ", acknowledged in \(milliseconds) ms", kind: .unlockAcknowledged,
                path: sentDisconnect ? .disconnect : .coa)
        case .acknowledged where !sentDisconnect:
            // A CoA to a session that began under the pass: the router's own accounting already
            // reported that session with the paid attributes, and the ACK says the change applied.
            try await finish(
                claimed, .acknowledge,
                note + ", acknowledged in \(milliseconds) ms on session \(session?.acctSessionID ?? "-"), which "
                    + "the router reported since the pass began", kind: .unlockAcknowledged, path: .coa)
        case .acknowledged:
            // The old session is gone; only the router's report of the new one confirms the unlock.
            let now = clock()
            let waiting =
                note + ", acknowledged in \(milliseconds) ms at \(now.formatted(.iso8601)); waiting up to "
                + "\(Int(settings.confirmSeconds)) s for the router to report the device's new session"
            try await finish(
                claimed, .awaitConfirmation, waiting, kind: .unlockRouterAcknowledged,
                nextAttemptAt: now.addingTimeInterval(settings.confirmSeconds))
        case .refused(let cause) where unlocking != nil && cause == 503:
            // RFC 5176's Session Context Not Found: the router has no session for the device (it
            // left, or never came). Its next login gets the paid attributes, and that session's
            // Accounting-Start settles the job; until then it is paid, not confirmed online.
            try await finish(
                claimed, .unconfirm,
                note + ", refused with Error-Cause 503 (the router has no session for \(job.mac)): paid, not "
                    + "confirmed online; its next login gets the paid attributes", kind: .unlockFailed)
        case .refused(let cause):
            try await finish(
                claimed, .reject, note + ", refused (Error-Cause \(cause.map(String.init) ?? "none"))",
                kind: .unlockFailed)
        case .timedOut(let sends):
            if claimed.attempts >= settings.maxAttempts {
                return try await finish(
                    claimed, .giveUp, note + ": no answer after \(claimed.attempts) attempts", kind: .unlockFailed)
            }
            let delay = backoff(after: claimed.attempts)
            _ = try await stores.jobs.apply(
                .retry, toUnlockJob: claimed.id, at: clock(), nextAttemptAt: clock().addingTimeInterval(delay),
                error: note + ": no answer to \(sends) sends; next attempt in \(Int(delay)) s")
            logger.warning(
                "router did not answer",
                metadata: ["router": "\(router.id)", "job": "\(job.id)", "retry_in": "\(delay)"])
        }
    }

    /// Whether the router authenticated `session` under `grant` (it began once the pass was
    /// running), so it carries the paid attributes already.
    static func isPaid(_ session: RadiusSession, _ grant: Grant) -> Bool {
        session.isOpen && session.startedAt >= grant.startsAt.addingTimeInterval(-1)
    }

    /// A job the router acknowledged whose window for confirmation has passed without the new
    /// session's Accounting-Start (which would have settled it): the router's active list is asked
    /// when the API is there; otherwise, or when it does not list the device, it is paid, not
    /// confirmed online, with what the router said.
    private func confirm(_ job: UnlockJob, router: Router, session: RadiusSession?) async throws {
        let acknowledged = job.lastError ?? "acknowledged"
        if let session, session.startedAt >= job.createdAt.addingTimeInterval(-1) {
            return try await finish(
                job, .acknowledge, acknowledged + "; online: session \(session.acctSessionID) on \(router.id)",
                kind: .unlockAcknowledged, path: .disconnect)
        }
        var evidence = "no Accounting-Start of a new session within \(Int(settings.confirmSeconds)) s"
        if router.api != nil {
            let active: Bool
            do throws(RouterAPIError) {
                active = try await loginAPI.isActive(router: router, mac: job.mac)
                evidence += "; /ip hotspot active does not list \(job.mac)"
            } catch {
                active = false
                evidence += "; /ip hotspot active could not be read (\(error))"
            }
            if active {
                return try await finish(
                    job, .acknowledge, acknowledged + "; online: listed in \(router.id)'s /ip hotspot active",
                    kind: .unlockAcknowledged, path: .disconnect)
            }
        } else {
            evidence += "; no REST API to read /ip hotspot active"
        }
        try await finish(
            job, .unconfirm,
            acknowledged + ". Paid, not confirmed online: " + evidence
                + ". Check that the hotspot profile has login-by including mac (or that the guest reopens the "
                + "portal); a later Accounting-Start still settles it", kind: .unlockFailed)
    }

    /// A `login` router's job, due when neither the guest's browser nor the router's MAC-auth retry
    /// brought the device online in time (their Accounting-Start would have settled it): log the
    /// device in through the router's REST API, or, without one, report it paid but not online.
    private func logIn(_ job: UnlockJob, router: Router, session: RadiusSession?, claimed alreadyClaimed: Bool)
        async throws
    {
        if let session, session.startedAt >= job.createdAt.addingTimeInterval(-1) {
            return try await finish(
                job, .acknowledge, "online: session \(session.acctSessionID) on \(router.id)",
                kind: .unlockAcknowledged)
        }
        let waited = Int(clock().timeIntervalSince(job.createdAt))
        // The cache may predate the operator giving the router its API: look once more before giving up.
        var router = router
        if router.api == nil {
            try routers.refresh()
            if let fresh = try routers.router(id: router.id) { router = fresh }
        }
        guard router.api != nil else {
            return try await finish(
                job, .giveUp,
                "not online \(waited) s after the payment: no browser login and no MAC-auth retry reached us; check "
                    + "that \(router.id)'s hotspot profile has login-by including mac and a short login-timeout (the "
                    + "RouterOS script sets both), or give the daemon the router's REST API",
                kind: .unlockFailed)
        }
        var transaction: Transaction?
        if let id = job.transactionID { transaction = try await stores.transactions.transaction(id: id) }
        guard let transaction, let secret = transaction.loginSecret else {
            return try await finish(
                job, .giveUp, "cannot log in through the REST API: the sale has no login password",
                kind: .unlockFailed)
        }
        guard let claimed = try await claim(job, alreadyClaimed: alreadyClaimed) else { return }
        let started = clock()
        let failure: RouterAPIError?
        do throws(RouterAPIError) {
            try await loginAPI.login(
                router: router, user: job.mac.description, password: secret.text, mac: job.mac,
                fallbackIP: transaction.clientIP)
            // A 2xx is not "online": the router may answer before RADIUS decides. Only its active
            // list (or the session's Accounting-Start, which settles the job on its own) says so.
            guard try await confirmedActive(router, job.mac) else {
                throw .refused(
                    status: 200,
                    detail:
                        "the router took the login but \(job.mac) is not in /ip hotspot active (RADIUS refused it, or "
                        + "it has not finished); not counted as online")
            }
            failure = nil
        } catch {
            failure = error
        }
        guard let error = failure else {
            let milliseconds = Int(clock().timeIntervalSince(started) * 1000)
            return try await finish(
                claimed, .acknowledge,
                "no browser login \(waited) s after the payment; logged in through \(router.id)'s REST API and "
                    + "listed in /ip hotspot active in \(milliseconds) ms",
                kind: .unlockAcknowledged, path: .api)
        }
        switch error {
        case .misconfigured, .certificateMismatch, .unauthorized:
            // Retrying cannot help until the operator fixes the router or its settings; if they
            // just did (another process changed them since this node read them), try once more now.
            try routers.refresh()
            if let fresh = try routers.router(id: router.id), fresh.api != router.api,
                claimed.attempts < settings.maxAttempts
            {
                _ = try await stores.jobs.apply(
                    .retry, toUnlockJob: claimed.id, at: clock(), nextAttemptAt: clock(),
                    error: "REST login: \(error); the router's API settings changed meanwhile, trying them")
                return doorbell.ring()
            }
            try await finish(claimed, .giveUp, "REST login: \(error)", kind: .unlockFailed)
        case .unreachable, .refused, .badResponse:
            if claimed.attempts >= settings.maxAttempts {
                return try await finish(
                    claimed, .giveUp, "REST login: \(error) (after \(claimed.attempts) attempts)", kind: .unlockFailed)
            }
            let delay = backoff(after: claimed.attempts)
            _ = try await stores.jobs.apply(
                .retry, toUnlockJob: claimed.id, at: clock(), nextAttemptAt: clock().addingTimeInterval(delay),
                error: "REST login: \(error); next attempt in \(Int(delay)) s")
            logger.warning(
                "router REST login failed",
                metadata: ["router": "\(router.id)", "job": "\(job.id)", "error": "\(error)"])
        }
    }

    /// Asks the router's active list a few times (`settings.activeChecks`, a quarter second apart):
    /// RADIUS decides a REST login after the request returns.
    private func confirmedActive(_ router: Router, _ mac: MACAddress) async throws(RouterAPIError) -> Bool {
        for check in 0..<max(1, settings.activeChecks) {
            if check > 0 { try? await Task.sleep(for: .milliseconds(250)) }
            if try await loginAPI.isActive(router: router, mac: mac) { return true }
        }
        return false
    }

    /// The claim: only one worker (on any node) moves a job from queued to sent. Nil when the job
    /// is gone or another worker (or an Accounting-Start) settled it since the queue was read.
    private func claim(_ job: UnlockJob, alreadyClaimed: Bool) async throws -> UnlockJob? {
        guard !alreadyClaimed else { return job }
        do {
            return try await stores.jobs.apply(.send, toUnlockJob: job.id, at: clock(), nextAttemptAt: nil, error: nil)
        } catch StoreError.notFound {
            return nil
        } catch StoreError.transition {
            return nil
        }
    }

    /// The wait before the next attempt: doubling from `backoffSeconds`, at most `maxBackoffSeconds`.
    private func backoff(after attempts: Int) -> Double {
        min(settings.maxBackoffSeconds, settings.backoffSeconds * pow(2, Double(attempts - 1)))
    }

    private func finish(
        _ job: UnlockJob, _ event: UnlockJobStatus.Event, _ note: String, kind: AuditKind, path: UnlockPath? = nil,
        nextAttemptAt: Date? = nil
    ) async throws {
        let now = clock()
        _ = try await stores.jobs.apply(
            event, toUnlockJob: job.id, at: now, nextAttemptAt: nextAttemptAt, error: note, unlockedBy: path,
            audit: AuditEvent(
                at: now, kind: kind, actor: "unlock-worker", transactionID: job.transactionID, detail: note))
        Counter(
            label: "hotspotpay_unlocks_total",
            dimensions: [("action", job.action.rawValue), ("outcome", event.rawValue)]
        ).increment()
        if event == .acknowledge || event == .awaitConfirmation {
            // From the moment the payment queued the job to the router's answer (its ACK, or its
            // state confirming the device online).
            Metrics.Timer(label: "hotspotpay_unlock_latency_seconds", dimensions: [("action", job.action.rawValue)])
                .recordNanoseconds(Int64(max(0, now.timeIntervalSince(job.createdAt)) * 1_000_000_000))
            logger.info(
                event == .acknowledge ? "unlocked" : "router acknowledged; waiting for its confirmation",
                metadata: ["job": "\(job.id)", "mac": "\(job.mac)", "detail": "\(note)"])
        } else {
            logger.warning("unlock not done", metadata: ["job": "\(job.id)", "mac": "\(job.mac)", "detail": "\(note)"])
        }
    }
}
