import HotspotPayCore

import struct Foundation.Date

/// Devices' sessions as the routers report them through accounting.
public protocol SessionStore: Sendable {
    /// Inserts or updates the session (router, Acct-Session-Id) with the newest counters, and
    /// takes the bytes used since the previous report off the device's active grant's data cap
    /// (only for time the grant was already running). The first report of a session that began
    /// after a payment proves that payment's unlock (the router asked and got the paid
    /// attributes), so that device's open CoA jobs on that router are acknowledged.
    func recordSession(_ session: RadiusSession) async throws(StoreError)
    func openSessions(mac: MACAddress) async throws(StoreError) -> [RadiusSession]
    /// The newest open session holding `ip`, to tell which device asks the captive-portal API.
    func openSession(framedIP ip: IPAddress) async throws(StoreError) -> RadiusSession?
    /// Closes every open session of a router (Accounting-On/Off: the router rebooted).
    func closeSessions(routerID: String, at: Date, cause: String) async throws(StoreError) -> Int
}
