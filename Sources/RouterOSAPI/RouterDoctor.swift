import HotspotPayCore

/// Reads a live router's setup over its REST API and reports every difference from what the
/// daemon expects of it, each with the RouterOS command that fixes it. Everything checked is
/// something MikroTik documents (RADIUS client, `/radius incoming`, hotspot server and profile,
/// local users, walled garden); nothing is changed on the router.
public struct RouterDoctor: Sendable {
    /// What the daemon knows about itself that the router must agree with.
    public struct Expectations: Sendable, Hashable {
        /// The portal's host (from `public_url`): unpaid guests must reach it through the walled garden.
        public var portalHost: String?
        /// The daemon's RADIUS ports.
        public var authPort: Int?
        public var accountingPort: Int?
        /// `public_url` is https: the router's login page should be too.
        public var portalUsesHTTPS: Bool

        public init(
            portalHost: String? = nil, authPort: Int? = nil, accountingPort: Int? = nil, portalUsesHTTPS: Bool = false
        ) {
            self.portalHost = portalHost
            self.authPort = authPort
            self.accountingPort = accountingPort
            self.portalUsesHTTPS = portalUsesHTTPS
        }
    }

    /// One check's result.
    public struct Finding: Sendable, Hashable, Encodable {
        public enum Severity: String, Sendable, Encodable {
            /// Paid guests will not get online, or unpaid ones might.
            case problem
            /// Works, but worse than it should (slower unlocks, weaker security).
            case warning
            case ok
        }

        public var severity: Severity
        public var check: String
        public var found: String
        /// The RouterOS command that makes it right.
        public var fix: String?
        /// The manual page the rule comes from.
        public var manual: RouterOSManual?

        public init(
            _ severity: Severity, _ check: String, found: String, fix: String? = nil, manual: RouterOSManual? = nil
        ) {
            self.severity = severity
            self.check = check
            self.found = found
            self.fix = fix
            self.manual = manual
        }
    }

    /// The doctor's answer for one router.
    public struct Report: Sendable, Encodable {
        public var routerID: String
        public var version: String?
        public var findings: [Finding]
        /// The REST API could not be read: nothing else was checked.
        public var error: String?

        public var problems: Int { findings.filter { $0.severity == .problem }.count + (error == nil ? 0 : 1) }

        enum CodingKeys: String, CodingKey {
            case routerID = "router"
            case version, findings, error
        }
    }

    /// The menus read, in the order the report lists them.
    public static let menus = [
        "system/resource", "radius", "radius/incoming", "ip/hotspot", "ip/hotspot/profile", "ip/hotspot/user",
        "ip/hotspot/user/profile", "ip/hotspot/walled-garden", "ip/firewall/filter",
    ]

    let client: RouterOSClient

    public init(client: RouterOSClient = RouterOSClient()) { self.client = client }

    /// Reads the router's menus and examines them.
    public func examine(_ router: Router, expecting expectations: Expectations) async -> Report {
        var read: [String: [[String: String]]] = [:]
        for menu in Self.menus {
            do throws(RouterAPIError) {
                read[menu] = try await client.entries(router: router, path: menu)
            } catch {
                return Report(routerID: router.id, version: nil, findings: [], error: "\(error)")
            }
        }
        return Report(
            routerID: router.id, version: read["system/resource"]?.first?["version"],
            findings: Self.examine(router, menus: read, expecting: expectations))
    }

    /// The checks, on menus as `GET /rest/<menu>` printed them.
    public static func examine(_ router: Router, menus: [String: [[String: String]]], expecting: Expectations)
        -> [Finding]
    {
        var findings: [Finding] = []
        func add(_ page: RouterOSManual, _ finding: Finding) {
            var cited = finding
            cited.manual = page
            findings.append(cited)
        }
        func yes(_ value: String?) -> Bool { value == "true" || value == "yes" }

        // RouterOS v7.
        let version = menus["system/resource"]?.first?["version"] ?? "?"
        if let major = Int(version.prefix { $0.isNumber }), major >= 7 {
            add(.packages, Finding(.ok, "RouterOS v7", found: version))
        } else {
            add(
                .packages,
                Finding(.problem, "RouterOS v7", found: version, fix: "/system package update install"))
        }

        // /radius: the daemon as the hotspot's RADIUS server.
        let radius = (menus["radius"] ?? []).filter {
            ($0["service"] ?? "").split(separator: ",").contains("hotspot") && !yes($0["disabled"])
        }
        let radiusFix =
            "/radius add service=hotspot address=<this daemon's address> secret=<router \(router.id)'s secret>"
            + " authentication-port=\(expecting.authPort ?? 1812) accounting-port=\(expecting.accountingPort ?? 1813)"
            + " require-message-auth=yes-for-request-resp"
        if let entry = radius.first {
            add(.radius, Finding(.ok, "/radius entry for the hotspot", found: "address \(entry["address"] ?? "?")"))
            if let port = expecting.authPort, entry["authentication-port"] != String(port) {
                add(
                    .radius,
                    Finding(
                        .problem, "/radius authentication-port", found: entry["authentication-port"] ?? "-",
                        fix: "/radius set [find service~\"hotspot\"] authentication-port=\(port)"))
            }
            if let port = expecting.accountingPort, entry["accounting-port"] != String(port) {
                add(
                    .radius,
                    Finding(
                        .problem, "/radius accounting-port", found: entry["accounting-port"] ?? "-",
                        fix: "/radius set [find service~\"hotspot\"] accounting-port=\(port)"))
            }
            // Manual, RADIUS: `require-message-auth` is `no | yes-for-request-resp`, default
            // `yes-for-request-resp` (7.15+; there is no `yes`). Only `no` leaves BlastRADIUS open.
            if let value = entry["require-message-auth"], value == "no" || value == "false" {
                add(
                    .radius,
                    Finding(
                        .warning, "/radius require-message-auth (BlastRADIUS)", found: value,
                        fix: "/radius set [find service~\"hotspot\"] require-message-auth=yes-for-request-resp"))
            }
        } else {
            add(.radius, Finding(.problem, "/radius entry for the hotspot", found: "none", fix: radiusFix))
        }

        // /radius incoming: CoA and Disconnect (extensions, revocations, coa unlocks).
        let incoming = menus["radius/incoming"]?.first ?? [:]
        if !yes(incoming["accept"]) || incoming["port"] != String(router.coaPort) {
            add(
                .radiusIncoming,
                Finding(
                    .problem, "/radius incoming accepts CoA on port \(router.coaPort)",
                    found: "accept=\(incoming["accept"] ?? "-") port=\(incoming["port"] ?? "-")",
                    fix: "/radius incoming set accept=yes port=\(router.coaPort)"))
        } else {
            add(.radiusIncoming, Finding(.ok, "/radius incoming", found: "accept, port \(router.coaPort)"))
        }

        // The hotspot server and its profile.
        let servers = (menus["ip/hotspot"] ?? []).filter { !yes($0["disabled"]) }
        let profiles = menus["ip/hotspot/profile"] ?? []
        let usingRadius = servers.compactMap { server in
            profiles.first { $0["name"] == server["profile"] && yes($0["use-radius"]) }.map { (server, $0) }
        }
        guard let (server, profile) = usingRadius.first else {
            add(
                .hotspotProfile,
                Finding(
                    .problem, "a hotspot server whose profile uses RADIUS",
                    found: servers.isEmpty
                        ? "no hotspot server" : "profiles \(servers.compactMap { $0["profile"] }) do not use RADIUS",
                    fix:
                        "/ip hotspot profile set [find name=\(servers.first?["profile"] ?? "<profile>")] use-radius=yes"
                ))
            return findings
        }
        let name = profile["name"] ?? "?"
        add(.hotspotProfile, Finding(.ok, "hotspot \(server["name"] ?? "?") uses RADIUS", found: "profile \(name)"))
        // Manual, Server Profile: `login-by` lists the methods the hotspot accepts; a login by a
        // method not listed is refused. Each unlock path the router is set up for needs its own.
        let loginBy = Set((profile["login-by"] ?? "").split(separator: ",").map(String.init))
        let shown = loginBy.isEmpty ? "(none)" : loginBy.sorted().joined(separator: ",")
        func fixLoginBy(adding methods: Set<String>) -> String {
            "/ip hotspot profile set [find name=\(name)] login-by=\(loginBy.union(methods).sorted().joined(separator: ","))"
        }
        var wanted: Set<String> = []
        switch router.strategy {
        case .login:
            // The paid page posts the CHAP answer (or, on an HTTPS portal, the password) to
            // link-login-only: http-chap or http-pap.
            if loginBy.isDisjoint(with: ["http-chap", "http-pap"]) { wanted.insert("http-chap") }
            // Without the REST API the router's own MAC-auth retry is how a closed browser gets online.
            if router.api == nil { wanted.insert("mac") }
        case .coa:
            // Unpaid devices are authenticated by MAC, and so is the login after an unlock's Disconnect.
            wanted.insert("mac")
        }
        let missing = wanted.subtracting(loginBy)
        if missing.isEmpty {
            add(.hotspotProfile, Finding(.ok, "login-by", found: shown))
        } else {
            add(
                .hotspotProfile,
                Finding(
                    .problem, "login-by includes \(missing.sorted().joined(separator: ","))", found: shown,
                    fix: fixLoginBy(adding: missing)))
        }
        // The REST login (`/ip hotspot active login`): the manual does not say which method it
        // logs in by; a field note (not MikroTik's) says PAP, needing http-pap. Until a router proves
        // otherwise (`hotspotpay doctor --router ID --live MAC`), its absence is a warning.
        if router.strategy == .login, router.api != nil, !loginBy.contains("http-pap") {
            add(
                .hotspotActive,
                Finding(
                    .warning, "login-by includes http-pap for the REST login (unverified; prove with doctor --live)",
                    found: shown, fix: fixLoginBy(adding: ["http-pap"])))
        }
        // An HTTPS portal posting to an http:// login page meets the browser's mixed-form warning
        // (Chromium blocks the post behind an interstitial). The manual's way out: the hotspot
        // serves its own login over HTTPS (`login-by` https with an `ssl-certificate` whose name is
        // the profile's `dns-name`), so link-login-only is https too.
        if router.strategy == .login, expecting.portalUsesHTTPS, !loginBy.contains("https") {
            add(
                .hotspotProfile,
                Finding(
                    .warning, "login-by includes https (the portal is on HTTPS)", found: shown,
                    fix: fixLoginBy(adding: ["https"])
                        + " ssl-certificate=<a certificate for \(profile["dns-name"] ?? "the dns-name")>"))
        }
        if !yes(profile["radius-accounting"]) {
            add(
                .hotspotProfile,
                Finding(
                    .problem, "radius-accounting (sessions, data caps, unlock proof)", found: "no",
                    fix: "/ip hotspot profile set [find name=\(name)] radius-accounting=yes radius-interim-update=5m"))
        }
        if profile["radius-mac-format"] != "XX:XX:XX:XX:XX:XX" {
            add(
                .hotspotProfile,
                Finding(
                    .warning, "radius-mac-format", found: profile["radius-mac-format"] ?? "-",
                    fix: "/ip hotspot profile set [find name=\(name)] radius-mac-format=XX:XX:XX:XX:XX:XX"))
        }
        if let address = router.hotspotAddress, profile["dns-name"]?.lowercased() != address,
            profile["hotspot-address"] != address
        {
            add(
                .hotspotProfile,
                Finding(
                    .problem, "dns-name is the router's hotspot_address (\(address))",
                    found: profile["dns-name"].map { $0.isEmpty ? "(none)" : $0 } ?? "-",
                    fix: "/ip hotspot profile set [find name=\(name)] dns-name=\(address)"))
        }
        // Manual, HotSpot (server settings): `login-timeout` defaults to `none`, and with `none` an
        // unauthorized host is never tried again by MAC: a paid device then waits for its page or
        // the REST login. Absent is read as the default.
        let loginTimeout = server["login-timeout"] ?? "none"
        if wanted.contains("mac"),
            loginTimeout == "none" || (seconds(loginTimeout) ?? 0) == 0 || (seconds(loginTimeout) ?? 0) > 60
        {
            add(
                .hotspotServer,
                Finding(
                    .warning, "login-timeout short enough for the MAC-auth retry", found: loginTimeout,
                    fix: "/ip hotspot set [find name=\(server["name"] ?? "hotspot1")] login-timeout=30s"))
        }

        // Local users are consulted before RADIUS: one named for a MAC overrides every answer.
        let stale = (menus["ip/hotspot/user"] ?? []).compactMap { $0["name"] }.filter { (try? MACAddress($0)) != nil }
        for user in stale {
            add(
                .hotspotUsers,
                Finding(
                    .problem, "no local hotspot user overrides RADIUS", found: "local user \(user)",
                    fix: "/ip hotspot user remove [find name=\"\(user)\"]"))
        }

        // User profiles the router is told to put devices in must exist (a missing one may mean full access).
        let groups = Set((menus["ip/hotspot/user/profile"] ?? []).compactMap { $0["name"] })
        // (A login router never sends its captive attributes.)
        for attribute in (router.strategy == .coa ? router.captiveAttributes : []) + router.paidAttributes
        where attribute.name == "Mikrotik-Group" && !groups.contains(attribute.value) {
            add(
                .userProfiles,
                Finding(
                    .problem, "user profile \(attribute.value) exists", found: "missing",
                    fix: "/ip hotspot user profile add name=\(attribute.value)  # then hotspotpay routeros-script"))
        }

        // A coa router authorizes unpaid devices (captive group): only the setup script's hold keeps
        // them off the Internet — the paid profile's address list (applied at login) and a forward
        // rule rejecting authorized devices outside it. Without it, an unpaid device is online.
        if router.strategy == .coa {
            let paidGroup = router.paidAttributes.first { $0.name == "Mikrotik-Group" }?.value ?? "paid"
            let list = (menus["ip/hotspot/user/profile"] ?? []).first { $0["name"] == paidGroup }?["address-list"] ?? ""
            let rules = (menus["ip/firewall/filter"] ?? []).filter { !yes($0["disabled"]) }
            let holds =
                !list.isEmpty
                && rules.contains { rule in
                    rule["chain"] == "forward" && rule["src-address-list"] == "!" + list
                        && ["reject", "drop"].contains(rule["action"] ?? "")
                }
            if holds {
                add(.userProfiles, Finding(.ok, "unpaid devices are held (coa)", found: "address list \(list)"))
            } else {
                add(
                    .userProfiles,
                    Finding(
                        .problem, "unpaid devices are held (coa: paid profile's address list + forward rule)",
                        found: list.isEmpty
                            ? "user profile \(paidGroup) puts nobody in an address list"
                            : "no forward rule rejects devices outside \(list)",
                        fix: "hotspotpay routeros-script --router \(router.id)  # paste its coa hold section"))
            }
        }

        // Unpaid guests must reach the portal.
        if let host = expecting.portalHost, (try? IPAddress(host)) == nil {
            let garden = (menus["ip/hotspot/walled-garden"] ?? []).compactMap { $0["dst-host"]?.lowercased() }
            if garden.contains(where: { $0 == host || ($0.hasPrefix("*") && host.hasSuffix($0.dropFirst())) }) {
                add(.walledGarden, Finding(.ok, "walled garden lets unpaid guests reach the portal", found: host))
            } else {
                add(
                    .walledGarden,
                    Finding(
                        .problem, "walled garden lets unpaid guests reach the portal (\(host))", found: "not listed",
                        fix: "/ip hotspot walled-garden add dst-host=\(host) action=allow"))
            }
        }
        return findings
    }

    /// RouterOS durations: `30s`, `2m`, `1h30m`, `00:00:30`.
    static func seconds(_ text: String?) -> Int? {
        guard let text, !text.isEmpty else { return nil }
        if text.contains(":") {
            let parts = text.split(separator: ":").compactMap { Int($0) }
            return parts.reduce(0) { $0 * 60 + $1 }
        }
        var total = 0
        var number = 0
        for character in text {
            if let digit = character.wholeNumberValue {
                number = number * 10 + digit
            } else {
                let unit = ["w": 604_800, "d": 86_400, "h": 3600, "m": 60, "s": 1][String(character)] ?? 0
                total += number * unit
                number = 0
            }
        }
        return total + number
    }
}
