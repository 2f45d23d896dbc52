/// A decoded RADIUS packet: its header and its attributes as the dictionary names them.
public struct RadiusPacket: Sendable, Hashable {
    /// One attribute: the dictionary name and the value as FreeRADIUS prints it (cleartext for
    /// User-Password, `0x…` for octets), plus the raw octets for octet-typed attributes.
    public struct Attribute: Sendable, Hashable, CustomStringConvertible {
        public var name: String
        public var value: String
        public var octets: [UInt8]?

        public init(name: String, value: String, octets: [UInt8]? = nil) {
            self.name = name
            self.value = value
            self.octets = octets
        }

        public var description: String { "\(name) = \(value)" }
    }

    public var code: RadiusCode
    public var identifier: UInt8
    /// The request or response authenticator as received.
    public var authenticator: [UInt8]
    public var attributes: [Attribute]
    /// True when the packet carried a Message-Authenticator (and it was valid).
    public var hasMessageAuthenticator: Bool

    public init(
        code: RadiusCode, identifier: UInt8, authenticator: [UInt8], attributes: [Attribute],
        hasMessageAuthenticator: Bool
    ) {
        self.code = code
        self.identifier = identifier
        self.authenticator = authenticator
        self.attributes = attributes
        self.hasMessageAuthenticator = hasMessageAuthenticator
    }

    /// The first value of `name`, if present.
    public subscript(name: String) -> String? { attributes.first { $0.name == name }?.value }

    /// Every value of `name`, in packet order.
    public func values(_ name: String) -> [String] { attributes.filter { $0.name == name }.map(\.value) }
}
