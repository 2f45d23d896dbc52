/// The server's answer to an Access-Request.
public enum AccessAnswer: Sendable, Hashable {
    case accept([RadiusPacket.Attribute])
    case reject(reason: String)
}
