import HotspotPayCore
import Radius

/// The attributes of one message to a router: the session named exactly as the router reported
/// it in accounting (User-Name, Acct-Session-Id, Framed-IP-Address, Calling-Station-Id), then,
/// for a CoA, the paid attributes. Without a reported session, the MAC and the IP the portal
/// saw are the best names we have.
public struct UnlockMessage: Hashable, Sendable {
    public var code: RadiusCode
    public var attributes: [RadiusPacket.Attribute]

    public static func identification(session: RadiusSession?, mac: MACAddress, clientIP: IPAddress?) -> [RadiusPacket
        .Attribute]
    {
        var attributes: [RadiusPacket.Attribute] = []
        if let session {
            attributes.append(.init(name: "User-Name", value: session.userName))
            attributes.append(.init(name: "Acct-Session-Id", value: session.acctSessionID))
            if let ip = session.framedIP { attributes.append(.init(name: "Framed-IP-Address", value: ip.description)) }
        } else {
            attributes.append(.init(name: "User-Name", value: mac.description))
            if let clientIP { attributes.append(.init(name: "Framed-IP-Address", value: clientIP.description)) }
        }
        attributes.append(.init(name: "Calling-Station-Id", value: mac.description))
        return attributes
    }

    public static func coa(identifying identification: [RadiusPacket.Attribute], paid: [RadiusAttribute])
        -> UnlockMessage
    {
        UnlockMessage(
            code: .coaRequest,
            attributes: identification + paid.map(RadiusPacket.Attribute.init))
    }

    public static func disconnect(identifying identification: [RadiusPacket.Attribute]) -> UnlockMessage {
        UnlockMessage(code: .disconnectRequest, attributes: identification)
    }
}
