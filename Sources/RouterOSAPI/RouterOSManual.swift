/// The pages of MikroTik's RouterOS manual (help.mikrotik.com, RouterOS v7) that the router
/// doctor's checks come from, so an operator can read the rule behind a finding.
public enum RouterOSManual: String, Sendable, Encodable, CaseIterable {
    /// "RADIUS": `/radius` (service, ports, `require-message-auth` = `no | yes-for-request-resp`).
    case radius = "RouterOS manual › RADIUS › RADIUS Client (/radius)"
    /// "RADIUS", Change of Authorization: `/radius incoming` (accept, port; default 1700) and the
    /// attributes a CoA may change.
    case radiusIncoming = "RouterOS manual › RADIUS › Change of Authorization (/radius incoming)"
    /// "HotSpot - Captive portal", HotSpot Server: `login-timeout` (default `none`).
    case hotspotServer = "RouterOS manual › HotSpot - Captive portal › HotSpot Server (/ip hotspot)"
    /// "HotSpot - Captive portal", Server Profiles: `login-by`, `use-radius`, `radius-accounting`,
    /// `radius-mac-format`, `mac-auth-mode`, `dns-name`, `ssl-certificate`.
    case hotspotProfile = "RouterOS manual › HotSpot - Captive portal › Server Profile (/ip hotspot profile)"
    /// "HotSpot - Captive portal", Users: local users are checked before RADIUS.
    case hotspotUsers = "RouterOS manual › HotSpot - Captive portal › User (/ip hotspot user)"
    /// "HotSpot - Captive portal", User Profile: `address-list` applied at login.
    case userProfiles = "RouterOS manual › HotSpot - Captive portal › User Profile (/ip hotspot user profile)"
    /// "HotSpot - Captive portal", Walled Garden.
    case walledGarden = "RouterOS manual › HotSpot - Captive portal › Walled Garden (/ip hotspot walled-garden)"
    /// "HotSpot - Captive portal", Active: `/ip hotspot active login` and the active list.
    case hotspotActive = "RouterOS manual › HotSpot - Captive portal › Active (/ip hotspot active)"
    /// "REST API": `/rest` over `www-ssl`, a user group with the `rest-api` policy.
    case restAPI = "RouterOS manual › REST API"
    /// "Packages" / upgrading: RouterOS v7.
    case packages = "RouterOS manual › Upgrading and installation"
}
