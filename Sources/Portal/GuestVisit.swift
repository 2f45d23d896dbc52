import Foundation
import HotspotPayCore
import Payments

/// What the router's `login.html` (or a link back into the portal) says about the device:
/// its MAC and IP, which router, and the router's login context. Carried from page to page as
/// query parameters and hidden form fields, so no page depends on a cookie the captive
/// mini-browser may have thrown away.
struct GuestVisit: Sendable, Hashable {
    var mac: String?
    var ip: String?
    var router: String?
    var loginURL: String?
    var originalURL: String?
    var chapID: String?
    var chapChallenge: String?
    /// `new=1`: show the plans even when the device has a purchase to resume.
    var fresh = false

    /// The parameter names, as `portal/mikrotik/login.html` sends them.
    static let names = (
        mac: "mac", ip: "ip", router: "router", login: "login", orig: "orig", chapID: "chap_id",
        chapChallenge: "chap_challenge"
    )

    init(fields: [String: String]) {
        func value(_ name: String) -> String? {
            guard let text = fields[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text.utf8.count <= 2048
            else { return nil }
            // RouterOS sends "---" (or nothing) where it does not know a value.
            return text == "---" ? nil : text
        }
        mac = value(Self.names.mac)
        ip = value(Self.names.ip)
        router = value(Self.names.router)
        loginURL = value(Self.names.login)
        originalURL = value(Self.names.orig)
        chapID = value(Self.names.chapID)
        chapChallenge = value(Self.names.chapChallenge)
        fresh = fields["new"] == "1"
    }

    /// The visit that leads back to the plans for `transaction`'s device (`mac`: the device that
    /// holds its pass now, when the pass moved).
    init(transaction: Transaction, login: HotspotLogin?, mac: MACAddress? = nil) {
        self.mac = (mac ?? transaction.mac).description
        ip = transaction.clientIP?.description
        router = transaction.routerID
        loginURL = login?.loginURL
        originalURL = login?.originalURL
        chapID = login?.chapID.map(HotspotLogin.octalText)
        chapChallenge = login?.chapChallenge.map(HotspotLogin.octalText)
    }

    /// Name and value of every known field, for hidden inputs and links.
    var fields: [(name: String, value: String)] {
        [
            (Self.names.mac, mac), (Self.names.ip, ip), (Self.names.router, router), (Self.names.login, loginURL),
            (Self.names.orig, originalURL), (Self.names.chapID, chapID), (Self.names.chapChallenge, chapChallenge),
        ].compactMap { name, value in value.map { (name, $0) } }
    }

    /// The router's login context as name and value, for carrying in a link.
    var loginFields: [(name: String, value: String)] {
        fields.filter {
            [Self.names.login, Self.names.orig, Self.names.chapID, Self.names.chapChallenge].contains($0.name)
        }
    }

    /// The router's login context, when `login.html` sent a usable one.
    var hotspotLogin: HotspotLogin? {
        guard let loginURL else { return nil }
        return try? HotspotLogin(
            loginURL: loginURL, originalURL: originalURL, chapID: chapID, chapChallenge: chapChallenge)
    }

    /// `/?mac=…&…&lang=vi[&new=1]`: the plans page for this device.
    func landingURL(language: Language, fresh: Bool) -> String {
        var pairs = fields
        pairs.append(("lang", language.rawValue))
        if fresh { pairs.append(("new", "1")) }
        return "/?" + pairs.map { "\($0.name)=\(FormURLEncoding.encode($0.value))" }.joined(separator: "&")
    }
}
