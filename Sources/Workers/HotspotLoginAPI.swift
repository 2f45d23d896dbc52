import HotspotPayCore
import RouterOSAPI

/// Logs a paid device in at its router without the guest's browser. The daemon uses the
/// router's REST API (``RouterOSClient``); the seam lets the worker's logic be exercised
/// against any peer.
public protocol HotspotLoginAPI: Sendable {
    func login(router: Router, user: String, password: String, mac: MACAddress, ip: IPAddress)
        async throws(RouterAPIError)
}

extension RouterOSClient: HotspotLoginAPI {}
