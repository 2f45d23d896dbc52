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
}

extension RouterOSClient: HotspotLoginAPI {}
