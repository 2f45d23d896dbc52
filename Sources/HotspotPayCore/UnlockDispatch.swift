/// Where the code that queues unlock jobs (the payment path, the sweeper, the poller, the
/// console) tells that it did: the daemon's unlock worker implements it. Without one (the CLI),
/// jobs simply wait in the store for the running daemon's worker to find them.
public protocol UnlockDispatch: Sendable {
    /// Whether jobs may be stored already claimed (`sent`, attempt 1) and handed to
    /// ``sendNow(_:grant:transaction:)``: true only for a worker in this process.
    var sendsClaimedJobs: Bool { get }
    /// Jobs were queued in the store: look now rather than at the next poll.
    func queued()
    /// A job stored already claimed: send it at once, with the grant and transaction the payment
    /// just wrote (saving the worker a read of each).
    func sendNow(_ job: UnlockJob, grant: Grant?, transaction: Transaction?)
}

/// No worker in this process: jobs wait in the store (the CLI's case).
public struct StoredUnlocksOnly: UnlockDispatch {
    public init() {}
    public var sendsClaimedJobs: Bool { false }
    public func queued() {}
    public func sendNow(_ job: UnlockJob, grant: Grant?, transaction: Transaction?) {}
}
