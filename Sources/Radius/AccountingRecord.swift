/// One Accounting-Request, as the session store needs it.
public struct AccountingRecord: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case start = "Start"
        case stop = "Stop"
        case interim = "Interim-Update"
        case accountingOn = "Accounting-On"
        case accountingOff = "Accounting-Off"
    }

    public var kind: Kind
    public var acctSessionID: String
    public var userName: String
    public var callingStationID: String?
    public var framedIP: String?
    public var inputBytes: Int64
    public var outputBytes: Int64
    public var sessionSeconds: Int64
    public var terminateCause: String?

    /// Nil when the packet has no Acct-Status-Type this server knows.
    public init?(_ packet: RadiusPacket) {
        guard let kind = packet["Acct-Status-Type"].flatMap(Kind.init(rawValue:)) else { return nil }
        self.kind = kind
        acctSessionID = packet["Acct-Session-Id"] ?? ""
        userName = packet["User-Name"] ?? ""
        callingStationID = packet["Calling-Station-Id"]
        framedIP = packet["Framed-IP-Address"]
        func counter(_ octets: String, _ gigawords: String) -> Int64 {
            (Int64(packet[gigawords] ?? "") ?? 0) << 32 + (Int64(packet[octets] ?? "") ?? 0)
        }
        inputBytes = counter("Acct-Input-Octets", "Acct-Input-Gigawords")
        outputBytes = counter("Acct-Output-Octets", "Acct-Output-Gigawords")
        sessionSeconds = Int64(packet["Acct-Session-Time"] ?? "") ?? 0
        terminateCause = packet["Acct-Terminate-Cause"]
    }
}

/// Keeps sessions from accounting; a throw means "not stored", and no reply is sent so the
/// router retransmits.
public protocol AccountingSink: Sendable {
    func record(_ record: AccountingRecord, client: RadiusClient) async throws
}
