import struct Foundation.Date

/// What an unlock job asks the router to do.
public enum UnlockAction: String, CaseIterable, Sendable, Codable {
    /// CoA-Request switching the live session to the paid attributes.
    case coa
    /// Disconnect-Request, so the device logs in again and gets the paid attributes.
    case disconnect
    /// A `login` router: wait a few seconds for the guest's browser to log in (or the router's
    /// MAC-auth retry), then log the device in through the router's REST API.
    case login
}

/// What brought a paid device online, as the unlock job records it.
public enum UnlockPath: String, CaseIterable, Sendable, Codable {
    /// The guest's page posted the one-time password to the router's login page.
    case browser
    /// The daemon logged the device in through the router's REST API (the browser had gone).
    case api
    /// The router authenticated the device by MAC again (`login-by=mac`, after `login-timeout`).
    case macRetry = "mac-retry"
    /// A CoA switched the live session to the paid attributes.
    case coa
    /// A Disconnect ended the captive session and the device's new one got the paid attributes.
    case disconnect

    /// One sentence for the operator's timeline.
    public var explanation: String {
        switch self {
        case .browser: "online through the guest's browser logging in at the router's login page"
        case .api: "online: the daemon logged the device in through the router's REST API (the browser had gone)"
        case .macRetry: "online through the router's MAC-authentication retry"
        case .coa: "online: the router applied the paid attributes by CoA"
        case .disconnect: "online: the captive session was ended and the device's new login got the paid attributes"
        }
    }
}

/// An outbox entry: "tell router R that device M has paid". Written in the same database
/// transaction as the payment, so a crash between "paid" and "CoA sent" cannot lose it.
public struct UnlockJob: Hashable, Sendable, Identifiable {
    public var id: String
    public var transactionID: String?
    public var grantID: String?
    public var routerID: String
    public var mac: MACAddress
    public var action: UnlockAction
    public var status: UnlockJobStatus
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    /// Set when the job is done: how the device got online.
    public var unlockedBy: UnlockPath?
    public var createdAt: Date
    public var updatedAt: Date

    /// How long a `login` job leaves the guest's own browser to log in before the daemon logs the
    /// device in through the router's REST API: the success page logs in within a second or two
    /// when it is still open, and a guest who went to the banking app should not wait longer.
    public static let browserGraceSeconds: Double = 4
    /// A `login` job on a router without the REST API waits this long for the router's MAC-auth
    /// retry (RouterOS's `login-timeout`, which the RouterOS script sets well below it) before it
    /// is reported as paid-but-not-online.
    public static let macRetryWindowSeconds: Double = 120

    public init(
        id: String, transactionID: String?, grantID: String?, routerID: String, mac: MACAddress, action: UnlockAction,
        status: UnlockJobStatus = .queued, attempts: Int = 0, nextAttemptAt: Date, lastError: String? = nil,
        unlockedBy: UnlockPath? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.transactionID = transactionID
        self.grantID = grantID
        self.routerID = routerID
        self.mac = mac
        self.action = action
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.unlockedBy = unlockedBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension UnlockJob {
    /// The job a confirmed payment gets (every payment gets one, so "paid but not online" is
    /// visible whatever the router). On a CoA router a new pass ends the captive session with a
    /// Disconnect, so the device's next authentication carries the paid attributes: the manual
    /// does not say a CoA's new Mikrotik-Group re-applies the profile's address list, and a CoA
    /// cannot set a data cap; more time for a paid session goes to it by CoA. On a login router, more time for a device already
    /// online goes to its live session by CoA (a login would find it logged in); otherwise the job
    /// waits for the browser's login or the MAC-auth retry, which its Accounting-Start settles,
    /// and when that did not come the worker logs the device in through the router's REST API.
    /// `claim`: the caller sends it itself at once (status sent, one attempt).
    public static func forPayment(
        id: String, transaction: Transaction, grant: Grant, grantStarted: Bool, strategy: UnlockStrategy,
        routerHasAPI: Bool, deviceOnline: Bool, claim: Bool, at: Date
    ) -> UnlockJob {
        func now(_ action: UnlockAction) -> UnlockJob {
            UnlockJob(
                id: id, transactionID: transaction.id, grantID: grant.id, routerID: transaction.routerID,
                mac: transaction.mac, action: action, status: claim ? .sent : .queued, attempts: claim ? 1 : 0,
                nextAttemptAt: at, createdAt: at, updatedAt: at)
        }
        if strategy == .coa { return now(grantStarted ? .disconnect : .coa) }
        if !grantStarted, deviceOnline { return now(.coa) }
        let wait = routerHasAPI ? browserGraceSeconds : macRetryWindowSeconds
        return UnlockJob(
            id: id, transactionID: transaction.id, grantID: grant.id, routerID: transaction.routerID,
            mac: transaction.mac, action: .login, nextAttemptAt: at.addingTimeInterval(wait), createdAt: at,
            updatedAt: at)
    }
}

extension UnlockJob {
    /// The job after `event`: its state moved, an attempt counted for a send, and what the
    /// sender noted. Both stores write this with an update conditional on the state it came from.
    public func applying(
        _ event: UnlockJobStatus.Event, at: Date, nextAttemptAt: Date?, error: String?, unlockedBy: UnlockPath?
    ) throws(TransitionError) -> UnlockJob {
        var next = self
        next.status = try status.applying(event)
        next.updatedAt = at
        if event == .send { next.attempts += 1 }
        if let nextAttemptAt { next.nextAttemptAt = nextAttemptAt }
        if let error { next.lastError = error }
        if let unlockedBy { next.unlockedBy = unlockedBy }
        return next
    }
}
