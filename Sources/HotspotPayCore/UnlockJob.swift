import struct Foundation.Date

/// What an unlock job asks the router to do.
public enum UnlockAction: String, CaseIterable, Sendable, Codable {
    /// CoA-Request switching the live session to the paid attributes.
    case coa
    /// Disconnect-Request, so the device logs in again and gets the paid attributes.
    case disconnect
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
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, transactionID: String?, grantID: String?, routerID: String, mac: MACAddress, action: UnlockAction,
        status: UnlockJobStatus = .queued, attempts: Int = 0, nextAttemptAt: Date, lastError: String? = nil,
        createdAt: Date, updatedAt: Date
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
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
