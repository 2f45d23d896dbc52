/// What a router asks about a device, read from an Access-Request.
public struct AccessRequest: Sendable, Hashable {
    public var userName: String
    /// Calling-Station-Id: the device's MAC as the router formats it.
    public var callingStationID: String?
    /// PAP password in clear, when the router sent one.
    public var password: String?
    /// CHAP-Password (ident + 16-octet response) and the challenge it answers.
    public var chapPassword: [UInt8]?
    public var chapChallenge: [UInt8]?
    public var nasIdentifier: String?
    public var framedIP: String?
    public var acctSessionID: String?

    public init(_ packet: RadiusPacket) {
        userName = packet["User-Name"] ?? ""
        callingStationID = packet["Calling-Station-Id"]
        password = packet["User-Password"]
        chapPassword = packet.attributes.first { $0.name == "CHAP-Password" }?.octets
        chapChallenge =
            packet.attributes.first { $0.name == "CHAP-Challenge" }?.octets ?? packet.authenticator
        nasIdentifier = packet["NAS-Identifier"]
        framedIP = packet["Framed-IP-Address"]
        acctSessionID = packet["Acct-Session-Id"]
    }
}
