import Crypto
import Foundation
import HotspotPayCore
import Payments

/// The RouterOS v7 commands that wire one router to this daemon: the RADIUS client entry (with
/// Message-Authenticator required), CoA from the daemon accepted, the hotspot profile asking
/// RADIUS with the router's strategy, the walled garden for the portal and the providers, the
/// firewall accept for CoA, the router's identity, and the portal's `login.html`.
/// Pure text from configuration: `hotspotpay routeros-script` prints it.
public struct RouterOSScript: Sendable {
    /// The script for `router` as this daemon's config has it: RADIUS ports, public URL and
    /// providers from `config`; the daemon's address given, else `radius.auth_listen`'s host,
    /// else the public URL's host.
    public static func forConfig(
        _ config: HotspotPayConfig, router: Router, daemonAddress: String? = nil, otherNodes: [String] = [],
        profile: String = "hsprof1"
    ) throws(Problem) -> RouterOSScript {
        let address =
            daemonAddress
            ?? (config.radiusAuthListen.host != "0.0.0.0" ? config.radiusAuthListen.host : nil)
            ?? URL(string: config.publicURL)?.host ?? ""
        return try RouterOSScript(
            router: router, daemonAddress: address, authPort: config.radiusAuthListen.port,
            acctPort: config.radiusAcctListen.port, publicURL: config.publicURL, providers: config.providers,
            profile: profile, otherNodes: otherNodes)
    }

    public var router: Router
    /// The daemon's address as the router reaches it (RADIUS server and CoA source).
    public var daemonAddress: String
    public var authPort: Int
    public var acctPort: Int
    public var publicURL: String
    public var providers: ProviderSettings
    /// The hotspot server profile to change (`hsprof1` is what the hotspot setup wizard creates).
    public var profile: String
    /// More daemons on the same database (several nodes): a RADIUS server entry each, after this
    /// daemon's (RouterOS asks the next when one does not answer in time), and the same CoA,
    /// walled-garden and REST API access as this daemon.
    public var otherNodes: [String]

    /// This daemon and the other nodes, in the order the router asks them.
    var nodes: [String] { [daemonAddress] + otherNodes }

    /// Why a script cannot be made.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case daemonAddress(String)

        public var description: String {
            switch self {
            case .daemonAddress(let text):
                "'\(text)' is not an IPv4 address the router can send RADIUS to: pass --daemon-address with the address of this machine on the router's network"
            }
        }
    }

    public init(
        router: Router, daemonAddress: String, authPort: Int, acctPort: Int, publicURL: String,
        providers: ProviderSettings, profile: String = "hsprof1", otherNodes: [String] = []
    ) throws(Problem) {
        for address in [daemonAddress] + otherNodes {
            let parts = address.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }), address != "0.0.0.0" else {
                throw .daemonAddress(address)
            }
        }
        self.otherNodes = otherNodes
        self.router = router
        self.daemonAddress = daemonAddress
        self.authPort = authPort
        self.acctPort = acctPort
        self.publicURL = publicURL
        self.providers = providers
        self.profile = profile
    }

    /// Hosts the guest's browser must reach before paying: the portal and each enabled provider's pages.
    public var walledGardenHosts: [(host: String, why: String)] {
        var hosts: [(String, String)] = []
        func add(_ url: String?, _ why: String) {
            guard let url, let host = URL(string: url)?.host, !hosts.contains(where: { $0.0 == host }) else { return }
            hosts.append((host, why))
        }
        add(publicURL, "hotspotpay portal")
        if let momo = providers.momo {
            add(momo.endpoint, "MoMo payment page")
            hosts.append(("*.momo.vn", "MoMo app and pages"))
        }
        if let vnpay = providers.vnpay { add(vnpay.payURL, "VNPay payment page") }
        if let vietqr = providers.vietqr, vietqr.confirmVia == .payos {
            hosts.append(("pay.payos.vn", "payOS checkout page"))
        }
        return hosts
    }

    /// The script, ready to paste into the router's terminal or `/import`. Idempotent: every
    /// entry it makes carries a `hotspotpay` comment and is removed before it is added again, so
    /// running it twice leaves the router as running it once.
    public var text: String {
        // login: the browser's CHAP login after payment, and MAC authentication retried every
        // login-timeout, so a paid device gets in even when its captive browser was closed.
        let loginBy = router.strategy == .coa ? "mac" : "http-chap,http-pap,mac"
        let messageAuth = router.requireMessageAuthenticator ? "yes-for-request-resp" : "no"
        var lines = [
            "# hotspotpay: RouterOS v7 setup for router \(Self.comment(router.id)) (\(Self.comment(router.name))), strategy \(router.strategy.rawValue)",
            "# Paste into the router's terminal, or save as \(router.id).rsc, upload it and run /import \(router.id).rsc",
            "# Running it again changes nothing: what it adds is marked \"hotspotpay\" and replaced, not duplicated.",
            "# The router's identity is what the portal's login.html sends as the router's name.",
            "/system identity set name=\(Self.quoted(router.nasIdentifier))",
            "# RADIUS server: this daemon. Requests leave from the address the daemon knows the router by (src-address);",
            "# Message-Authenticator required (BlastRADIUS) unless the router is older than 7.15.",
            "/radius remove [find comment=\"hotspotpay\"]",
        ]
        if !otherNodes.isEmpty {
            lines.append(
                "# Several nodes on one database: RouterOS asks these servers in order, the next when one does not answer."
            )
        }
        for node in nodes {
            lines.append(
                "/radius add address=\(node) secret=\(Self.quoted(router.secret.reveal)) service=hotspot authentication-port=\(authPort) accounting-port=\(acctPort) src-address=\(router.address) timeout=3s require-message-auth=\(messageAuth) comment=\"hotspotpay\""
            )
        }
        lines += [
            "# CoA and Disconnect from the daemon (the port set explicitly: the manual's default is 1700).",
            "/radius incoming set accept=yes port=\(router.coaPort)",
            "# The hotspot asks RADIUS: \(router.strategy == .coa ? "every device by MAC (captive attributes until paid, then a Disconnect and a new login with the paid ones)" : "every device by MAC every 5 s (refused until paid), and logins from the portal's success page (username = MAC, one-time password)").",
            "/ip hotspot profile set [find name=\(Self.quoted(profile))] use-radius=yes radius-accounting=yes radius-interim-update=5m login-by=\(loginBy) mac-auth-mode=mac-as-username radius-mac-format=XX:XX:XX:XX:XX:XX\(dnsName.map { " dns-name=\(Self.quoted($0))" } ?? "") html-directory=hotspot",
            "# login-timeout belongs to the hotspot server: an unauthorized host is forgotten and MAC-authenticated again after it.",
            "/ip hotspot set [find profile=\(Self.quoted(profile))] login-timeout=\(router.strategy == .login ? "5s" : "30s")",
            hotspotAddressNote,
            "# Reachable before paying: the portal and the payment providers' pages.",
            "/ip hotspot walled-garden remove [find comment~\"^hotspotpay\"]",
            "/ip hotspot walled-garden ip remove [find comment~\"^hotspotpay\"]",
        ]
        for (host, why) in walledGardenHosts {
            lines.append(
                "/ip hotspot walled-garden add dst-host=\(Self.quoted(host)) comment=\(Self.quoted("hotspotpay: " + why))"
            )
        }
        for node in nodes {
            lines.append(
                "/ip hotspot walled-garden ip add dst-address=\(node) action=accept comment=\"hotspotpay: daemon\"")
        }
        lines += [
            "# Banking apps reach their banks over mobile data while the phone sits in the captive portal.",
            "# CoA from the daemon must get through the router's own firewall (first rule).",
            "/ip firewall filter remove [find comment~\"^hotspotpay\"]",
        ]
        for node in nodes {
            lines.append(
                ":if ([:len [/ip firewall filter find]] > 0) do={/ip firewall filter add chain=input protocol=udp src-address=\(node) dst-port=\(router.coaPort) action=accept comment=\"hotspotpay CoA\" place-before=0} else={/ip firewall filter add chain=input protocol=udp src-address=\(node) dst-port=\(router.coaPort) action=accept comment=\"hotspotpay CoA\"}"
            )
        }
        if router.strategy == .coa { lines += coaHold }
        lines += restAPI
        lines += [
            "# Phones that ask (RFC 8908, DHCP option 114) learn where the portal is without probing.",
            "/ip dhcp-server option remove [find name=\"hotspotpay-captive\"]",
            "/ip dhcp-server option add name=hotspotpay-captive code=114 value=\(Self.quoted("'\(publicURL)/api/captive'"))",
            "# Every guest goes to the portal: its login.html, with this daemon's address filled in.",
            "/tool fetch url=\(Self.quoted("\(publicURL)/mikrotik/login.html")) dst-path=\"hotspot/login.html\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The `coa` strategy accepts unpaid devices as authorized hotspot users, so the router itself
    /// must hold them: a captive and a paid user profile (the paid one puts its users in an
    /// address list), and a forward rule that lets an authorized device outside that list reach
    /// only the portal, DNS and the providers, whatever group RADIUS named. A Group the router
    /// lacks, or a CoA that does not re-apply the profile's list, then keeps the device held
    /// (fail-closed) instead of opening the Internet.
    var coaHold: [String] {
        let captive = router.captiveAttributes.first { $0.name == "Mikrotik-Group" }?.value ?? "portal-only"
        let paid = router.paidAttributes.first { $0.name == "Mikrotik-Group" }?.value ?? "paid"
        var lines = [
            "# coa strategy: unpaid devices are authorized (captive group \(Self.comment(captive))) and held here until paid.",
            "/ip hotspot user profile remove [find comment=\"hotspotpay\"]",
            "/ip hotspot user profile add name=\(Self.quoted(captive)) comment=\"hotspotpay\"",
            "/ip hotspot user profile add name=\(Self.quoted(paid)) address-list=hotspotpay-paid comment=\"hotspotpay\"",
            "/ip firewall address-list remove [find list=\"hotspotpay-open\"]",
        ]
        for node in nodes {
            lines.append(
                "/ip firewall address-list add list=hotspotpay-open address=\(node) comment=\"hotspotpay: daemon\"")
        }
        for (host, why) in walledGardenHosts where !host.hasPrefix("*") {
            lines.append(
                "/ip firewall address-list add list=hotspotpay-open address=\(Self.quoted(host)) comment=\(Self.quoted("hotspotpay: " + why))"
            )
        }
        lines += [
            "/ip firewall filter add chain=forward hotspot=auth src-address-list=!hotspotpay-paid protocol=udp dst-port=53 action=accept comment=\"hotspotpay: DNS for unpaid devices\"",
            "/ip firewall filter add chain=forward hotspot=auth src-address-list=!hotspotpay-paid dst-address-list=hotspotpay-open action=accept comment=\"hotspotpay: portal and providers for unpaid devices\"",
            "/ip firewall filter add chain=forward hotspot=auth src-address-list=!hotspotpay-paid action=reject reject-with=icmp-admin-prohibited comment=\"hotspotpay: nothing else until paid\"",
            "# Web pages of unpaid devices go to the portal.",
            "/ip firewall nat remove [find comment~\"^hotspotpay\"]",
            "/ip firewall nat add chain=dstnat hotspot=auth src-address-list=!hotspotpay-paid protocol=tcp dst-port=80 dst-address-list=!hotspotpay-open action=dst-nat to-addresses=\(daemonAddress) to-ports=\(portalPort) comment=\"hotspotpay: unpaid web to the portal\"",
        ]
        return lines
    }

    /// The REST API the daemon logs guests in through when their browser closed (and the router
    /// doctor reads): a self-signed certificate for `www-ssl`, a group with only the policies the
    /// REST login needs, and a user that may log in only from the daemon's address. The password
    /// is the router's REST password in hotspotpay, else one derived from the RADIUS secret, so
    /// running the script again sets the same one.
    var restAPI: [String] {
        let user = router.api?.user ?? "hotspotpay"
        let password = router.api?.password.reveal ?? derivedAPIPassword
        let certificate = "hotspotpay-api"
        return [
            "# REST API for the daemon (server-side login when the guest's browser closed, hotspotpay doctor).",
            ":if ([:len [/certificate find name=\"\(certificate)\"]] = 0) do={/certificate add name=\"\(certificate)\" common-name=\"\(Self.comment(router.address.description))\" key-usage=digital-signature,key-encipherment,tls-server days-valid=3650; /certificate sign \"\(certificate)\"}",
            "/ip service set www-ssl disabled=no certificate=\"\(certificate)\"",
            "/user remove [find comment=\"hotspotpay\"]",
            "/user group remove [find comment=\"hotspotpay\"]",
            "/user group add name=\"hotspotpay-api\" policy=read,write,api,rest-api,!local,!telnet,!ssh,!ftp,!reboot,!policy,!test,!winbox,!password,!web,!sniff,!sensitive,!romon comment=\"hotspotpay\"",
            "/user add name=\(Self.quoted(user)) group=\"hotspotpay-api\" password=\(Self.quoted(password)) address=\(nodes.map { "\($0)/32" }.joined(separator: ",")) comment=\"hotspotpay\"",
            "# Then pin the certificate in hotspotpay with the fingerprint printed here:",
            ":put [/certificate get [find name=\"\(certificate)\"] fingerprint]",
            "# hotspotpay routers update \(Self.comment(router.id)) --api-url https://\(router.address) --api-user \(Self.comment(user)) --api-password '<the password above>' --api-certificate-sha256 <fingerprint>",
        ]
    }

    /// A REST password for a router that has none in hotspotpay yet: stable for its RADIUS secret.
    var derivedAPIPassword: String {
        let digest = SHA256.hash(data: Data(("hotspotpay-rest-api:" + router.secret.reveal).utf8))
        return ASCIIHex.lowercase(digest.prefix(12))
    }

    /// The port the portal answers on at the daemon's address (the public URL's, else 80).
    var portalPort: Int {
        guard let url = URL(string: publicURL) else { return 80 }
        return url.port ?? (url.scheme == "https" ? 443 : 80)
    }

    /// The hotspot's DNS name, when the router's hotspot address is a name rather than an IP: the
    /// router then sends guests to `http://<name>/login`, the only login page the portal believes.
    var dnsName: String? {
        guard let address = router.hotspotAddress, (try? IPAddress(address)) == nil else { return nil }
        return address
    }

    var hotspotAddressNote: String {
        guard let address = router.hotspotAddress else {
            return "# No hotspot address is set for this router in hotspotpay: the portal ignores every login page "
                + "until it is (hotspotpay routers update \(Self.comment(router.id)) --hotspot-address NAME-OR-IP)."
        }
        return dnsName == nil
            ? "# Guests' login page is the hotspot interface's address \(address), as set in hotspotpay."
            : "# Guests' login page is http://\(Self.comment(address))/login, as set in hotspotpay."
    }

    /// A RouterOS string literal: backslash, quote and `$` escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for character in text {
            switch character {
            case "\\", "\"", "$": out += "\\" + String(character)
            case "\n", "\r": out += " "
            default: out.append(character)
            }
        }
        return out + "\""
    }

    /// Text safe inside a `#` comment line.
    static func comment(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
