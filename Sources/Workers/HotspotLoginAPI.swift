import HotspotPayCore
import RouterOSAPI

/// Logs a paid device in at its router without the guest's browser. The daemon uses the
/// router's REST API (``RouterOSClient``); the seam lets the worker's logic be exercised
/// against any peer.
public protocol HotspotLoginAPI: Sendable {
    /// Returns the device address the router logged in (`fallbackIP` when it could not say).
    @discardableResult
    func login(router: Router, user: String, password: String, mac: MACAddress, fallbackIP: IPAddress?)
        async throws(RouterAPIError) -> IPAddress

    /// Whether the router lists `mac` in `/ip hotspot active` now: the router's own word that the
    /// device is logged in (a 2xx to the login request may come before RADIUS has decided).
    func isActive(router: Router, mac: MACAddress) async throws(RouterAPIError) -> Bool
}

extension RouterOSClient: HotspotLoginAPI {}
