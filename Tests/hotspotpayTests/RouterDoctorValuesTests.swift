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
}
