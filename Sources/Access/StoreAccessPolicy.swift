import Foundation
import HotspotPayCore
import Radius
import Store

/// Access-Requests decided from the device's grant (``AccessDecision``): the MAC comes from
/// Calling-Station-Id, or from User-Name when the router sends the MAC as the user name.
public struct StoreAccessPolicy: AccessPolicy {
    let grants: any AccessLookup
    let routers: StoreRouters
    let logins: RecentLogins?
    let clock: @Sendable () -> Date

    /// `logins` learns how each paid device on a `login` router was let in, for the unlock job.
    public init(
        grants: any AccessLookup, routers: StoreRouters, logins: RecentLogins? = nil,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.grants = grants
        self.routers = routers
        self.logins = logins
        self.clock = clock
    }

    public func decide(_ request: AccessRequest, client: RadiusClient) throws -> AccessAnswer {
        guard let router = try routers.router(id: client.routerID) else {
            return .reject(reason: "router \(client.routerID) is no longer configured")
        }
        guard let mac = Self.mac(request) else {
            return .reject(reason: "no MAC address in Calling-Station-Id or User-Name")
        }
        let grant = try grants.activeGrantForAccess(mac: mac)
        var login = AccessDecision.Login.none
        if router.strategy == .login, let grant {
            if request.isMACAuthentication(of: mac.description) {
                login = .macAuthentication
            } else if request.presentsPassword {
                let secrets = try grants.loginSecretsForAccess(grantID: grant.id)
                login = secrets.contains { request.presents(secret: $0.text) } ? .matched : .mismatched
            }
        }
        let now = clock()
        switch AccessDecision.decide(grant: grant, router: router, now: now, login: login) {
        case .accept(let attributes):
            switch login {
            case .matched: logins?.note(.browser, routerID: router.id, mac: mac, at: now)
            case .macAuthentication: logins?.note(.macRetry, routerID: router.id, mac: mac, at: now)
            case .none, .mismatched: break
            }
            return .accept(attributes.map(RadiusPacket.Attribute.init))
        case .reject(let reason):
            return .reject(reason: reason)
        }
    }

    static func mac(_ request: AccessRequest) -> MACAddress? {
        if let station = request.callingStationID, let mac = try? MACAddress(station) { return mac }
        return try? MACAddress(request.userName)
    }
}
