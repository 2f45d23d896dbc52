import struct Foundation.Date

/// A device's session on a router as RADIUS accounting reports it (Start, Interim, Stop). The
/// identifying fields are kept exactly as the router sent them, because a CoA must name the
/// session the way the router knows it.
public struct RadiusSession: Hashable, Sendable {
    public var routerID: String
    public var acctSessionID: String
    public var mac: MACAddress
    public var userName: String
    public var framedIP: IPAddress?
    public var startedAt: Date
    public var updatedAt: Date
    public var stoppedAt: Date?
    public var inputBytes: Int64
    public var outputBytes: Int64
    public var sessionSeconds: Int64
    public var terminateCause: String?
    /// How the router authenticated the device for this session, when this node's RADIUS server
    /// answered it (browser login or MAC-auth retry on a `login` router); not stored, it only
    /// tells an Accounting-Start which path unlocked the device.
    public var authenticatedBy: UnlockPath?

    public init(
        routerID: String, acctSessionID: String, mac: MACAddress, userName: String, framedIP: IPAddress?,
        startedAt: Date, updatedAt: Date, stoppedAt: Date? = nil, inputBytes: Int64 = 0, outputBytes: Int64 = 0,
        sessionSeconds: Int64 = 0, terminateCause: String? = nil
    ) {
        self.routerID = routerID
        self.acctSessionID = acctSessionID
        self.mac = mac
        self.userName = userName
        self.framedIP = framedIP
        self.startedAt = startedAt
        self.updatedAt = updatedAt
        self.stoppedAt = stoppedAt
        self.inputBytes = inputBytes
        self.outputBytes = outputBytes
        self.sessionSeconds = sessionSeconds
        self.terminateCause = terminateCause
    }

    public var isOpen: Bool { stoppedAt == nil }
    /// Data the device moved in this session, both directions.
    public var totalBytes: Int64 { inputBytes + outputBytes }
}
