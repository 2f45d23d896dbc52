/// A router allowed to send us RADIUS requests, as the server needs to know it.
public struct RadiusClient: Sendable, Hashable {
    public var routerID: String
    public var secret: String
    /// Drop Access-Requests without Message-Authenticator (BlastRADIUS); off only for RouterOS
    /// older than 7.15.
    public var requireMessageAuthenticator: Bool

    public init(routerID: String, secret: String, requireMessageAuthenticator: Bool) {
        self.routerID = routerID
        self.secret = secret
        self.requireMessageAuthenticator = requireMessageAuthenticator
    }
}

/// Finds the router behind a source address. Requests from any other address are dropped.
/// Synchronous: it is asked for every datagram on the UDP event loop, so it answers from memory.
public protocol RadiusClientDirectory: Sendable {
    func client(address: String) throws -> RadiusClient?
}
