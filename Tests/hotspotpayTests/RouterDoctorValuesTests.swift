import HotspotPayCore
import RouterOSAPI
import TestSupport
import Testing

/// The doctor reads RouterOS's own values as the manual defines them.
@Suite struct RouterDoctorValuesTests {
    static func menus(messageAuth: String?, loginTimeout: String?) -> [String: [[String: String]]] {
        var radius = ["service": "hotspot", "address": "10.0.0.9", "disabled": "false"]
        radius["require-message-auth"] = messageAuth
        var server = ["name": "hotspot1", "profile": "hsprof", "disabled": "false"]
        server["login-timeout"] = loginTimeout
        return [
            "system/resource": [["version": "7.16.2 (stable)"]], "radius": [radius],
            "ip/hotspot": [server],
            "ip/hotspot/profile": [["name": "hsprof", "login-by": "mac,http-chap", "use-radius": "yes"]],
        ]
    }

    static func findings(messageAuth: String?, loginTimeout: String?) -> [RouterDoctor.Finding] {
        RouterDoctor.examine(
            Fixtures.router(strategy: .login), menus: menus(messageAuth: messageAuth, loginTimeout: loginTimeout),
            expecting: .init())
    }

    @Test func theDefaultMessageAuthenticatorSettingIsRightAndOnlyNoIsWarnedAbout() {
        let fine = Self.findings(messageAuth: "yes-for-request-resp", loginTimeout: "30s")
        #expect(!fine.contains { $0.check.contains("require-message-auth") }, "\(fine)")
        let open = Self.findings(messageAuth: "no", loginTimeout: "30s")
        let warning = open.first { $0.check.contains("require-message-auth") }
        #expect(warning?.severity == .warning)
        // Only a value RouterOS accepts is suggested.
        #expect(
            warning?.fix?.hasSuffix("require-message-auth=yes-for-request-resp") == true,
            "\(String(describing: warning))")
    }

    @Test func aLoginTimeoutOfNoneMeansNoMACRetryAndIsWarnedAbout() {
        for value in ["none", nil, "0s", "5m"] as [String?] {
            let findings = Self.findings(messageAuth: "yes-for-request-resp", loginTimeout: value)
            #expect(
                findings.contains { $0.check.contains("login-timeout") && $0.severity == .warning },
                "login-timeout \(value ?? "absent")")
        }
        let quick = Self.findings(messageAuth: "yes-for-request-resp", loginTimeout: "30s")
        #expect(!quick.contains { $0.check.contains("login-timeout") })
    }

    static func findings(
        _ router: Router, loginBy: String, portalUsesHTTPS: Bool = false
    ) -> [RouterDoctor.Finding] {
        var menus = menus(messageAuth: "yes-for-request-resp", loginTimeout: "30s")
        menus["ip/hotspot/profile"] = [
            ["name": "hsprof", "login-by": loginBy, "use-radius": "yes", "dns-name": "hotspot.venue.vn"]
        ]
        return RouterDoctor.examine(router, menus: menus, expecting: .init(portalUsesHTTPS: portalUsesHTTPS))
    }

    static var loginRouterWithAPI: Router {
        var router = Fixtures.router(strategy: .login)
        router.api = RouterAPI(
            url: "https://10.5.50.1", user: "hotspotpay", password: Secret("rest-password-1"),
            certificateSHA256: String(repeating: "ab", count: 32))
        return router
    }

    @Test func loginByIsCheckedForEachUnlockPathTheRouterIsSetUpFor() {
        // The browser's post needs http-chap or http-pap; without the API, the MAC retry needs mac.
        let bare = Self.findings(Fixtures.router(strategy: .login), loginBy: "cookie")
        let missing = bare.first { $0.check.hasPrefix("login-by includes") }
        #expect(missing?.severity == .problem && missing?.check == "login-by includes http-chap,mac", "\(bare)")
        #expect(missing?.fix?.hasSuffix("login-by=cookie,http-chap,mac") == true, "\(String(describing: missing))")
        #expect(
            !Self.findings(Fixtures.router(strategy: .login), loginBy: "http-pap,mac").contains {
                $0.check.contains("login-by") && $0.severity != .ok
            })
        // A coa router authenticates every device (and its login after a Disconnect) by MAC.
        let coa = Self.findings(Fixtures.router(strategy: .coa), loginBy: "http-chap")
        #expect(coa.contains { $0.check == "login-by includes mac" && $0.severity == .problem }, "\(coa)")
        // The REST login: an unverified note says it needs http-pap, so its absence is a warning
        // that names the way to prove it.
        let rest = Self.findings(Self.loginRouterWithAPI, loginBy: "http-chap")
        let pap = rest.first { $0.check.contains("http-pap for the REST login") }
        #expect(pap?.severity == .warning && pap?.check.contains("doctor --live") == true, "\(rest)")
        #expect(pap?.manual == .hotspotActive)
        #expect(
            !Self.findings(Self.loginRouterWithAPI, loginBy: "http-chap,http-pap").contains {
                $0.check.contains("login-by") && $0.severity != .ok
            })
    }

    @Test func anHTTPSPortalWantsTheHotspotsOwnLoginOnHTTPS() {
        let plain = Self.findings(Self.loginRouterWithAPI, loginBy: "http-chap,http-pap", portalUsesHTTPS: true)
        let https = plain.first { $0.check.contains("https") }
        #expect(https?.severity == .warning, "\(plain)")
        #expect(https?.fix?.contains("ssl-certificate=<a certificate for hotspot.venue.vn>") == true)
        let secured = Self.findings(Self.loginRouterWithAPI, loginBy: "http-chap,http-pap,https", portalUsesHTTPS: true)
        #expect(!secured.contains { $0.check.contains("https") }, "\(secured)")
    }

    @Test func everyFindingCitesTheManualPageItComesFrom() {
        var menus = Self.menus(messageAuth: "no", loginTimeout: "none")
        menus["ip/hotspot/user"] = [["name": "AA:BB:CC:DD:EE:FF"]]
        let findings = RouterDoctor.examine(
            Fixtures.router(strategy: .coa), menus: menus, expecting: .init(portalHost: "wifi.venue.vn"))
        #expect(findings.contains { $0.severity == .problem })
        for finding in findings {
            #expect(finding.manual != nil, "\(finding.check) cites no manual page")
        }
    }
}
