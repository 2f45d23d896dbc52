/// What the simulated router's configuration menus hold, as RouterOS's REST API prints them
/// (`GET /rest/radius`, `/rest/ip/hotspot/profile`, …). The default is a router set up the way
/// hotspotpay's RouterOS script leaves it; tests change fields to make the router wrong in one way.
public struct RouterSetup: Sendable {
    /// `/system resource` `version`.
    public var version: String = "7.16.2 (stable)"
    /// `/radius`: the daemon as a RADIUS server for the hotspot.
    public var radiusAddress: String = "127.0.0.1"
    public var radiusService: String = "hotspot"
    public var requireMessageAuth: Bool = true
    /// `/radius incoming` `accept`; its port is the simulator's CoA port.
    public var incomingAccept: Bool = true
    /// `/ip hotspot profile` fields.
    public var useRadius: Bool = true
    public var radiusAccounting: Bool = true
    public var interimUpdate: String = "5m"
    public var radiusMACFormat: String = "XX:XX:XX:XX:XX:XX"
    /// Extra `login-by` methods besides `mac` (which follows `Configuration.loginByMAC`); the
    /// RouterOS script sets `http-chap,http-pap,mac` on a login router.
    public var loginByOthers: [String] = ["http-chap", "http-pap"]
    /// `/ip hotspot walled-garden` `dst-host` entries.
    public var walledGarden: [String] = []
    /// `/ip hotspot user` names: local users are consulted before RADIUS.
    public var localUsers: [String] = []

    public init() {}
}
