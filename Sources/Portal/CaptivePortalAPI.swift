import Checkout
import Foundation
import HotspotPayCore
import Hummingbird
import Store

/// RFC 8908 captive-portal API at `/api/captive`, which phones find through DHCP option 114 (or
/// RFC 8910 router advertisements) and ask before showing the captive browser. A device with
/// paid access hears `captive: false` with the seconds and bytes it has left; any other device
/// hears `captive: true` and where the portal is.
struct CaptivePortalAPI: Sendable {
    let store: any HotspotStore
    let urls: PortalURLs
    let proxies: TrustedProxies
    let clock: @Sendable () -> Date

    /// RFC 8908 §5's JSON keys.
    struct Document: Encodable {
        var captive: Bool
        var userPortalURL: String
        var secondsRemaining: Int64?
        var bytesRemaining: Int64?
        var canExtendSession: Bool?

        enum CodingKeys: String, CodingKey {
            case captive
            case userPortalURL = "user-portal-url"
            case secondsRemaining = "seconds-remaining"
            case bytesRemaining = "bytes-remaining"
            case canExtendSession = "can-extend-session"
        }
    }

    func register(on router: Hummingbird.Router<PortalRequestContext>) {
        router.get("/api/captive") { request, context in
            let (device, isCaller) = try await device(request, context: context)
            var document = Document(captive: true, userPortalURL: urls.publicURL + "/")
            if let device {
                document.userPortalURL = urls.publicURL + "/?mac=" + device.description
                if let grant = try await store.activeGrant(mac: device), !grant.isExhausted(at: clock()) {
                    document.captive = false
                    // What is left is the device's own business: told only to the device itself.
                    if isCaller {
                        document.secondsRemaining = grant.secondsLeft(at: clock())
                        document.bytesRemaining = grant.dataRemainingBytes
                        document.canExtendSession = true
                    }
                }
            }
            return try JSONResponse.make(
                document, contentType: "application/captive+json", cacheControl: "private, no-store")
        }
    }

    /// The device asked about: `?mac=` when the router's page passes it, else the device that the
    /// routers' accounting says holds the caller's address. `isCaller` is true only when the
    /// routers' accounting puts that device at the caller's address.
    private func device(_ request: Request, context: PortalRequestContext) async throws -> (MACAddress?, Bool) {
        let caller = try? IPAddress(proxies.clientAddress(request, context))
        let callerDevice = try await caller.asyncMap { try await store.openSession(framedIP: $0)?.mac } ?? nil
        if let text = request.uri.queryParameters.get("mac") {
            guard let mac = try? MACAddress(text) else {
                throw HTTPError(.badRequest, message: "mac '\(text.prefix(40))' is not a MAC address")
            }
            return (mac, callerDevice == mac)
        }
        return (callerDevice, callerDevice != nil)
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
