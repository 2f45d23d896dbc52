import HotspotPayCore
import Testing

@Suite struct HotspotLoginTests {
    @Test func routerOSOctalEscapesBecomeBytesAndBack() throws {
        let login = try HotspotLogin(
            loginURL: "http://10.5.50.1/login", originalURL: "http://example.com/", chapID: #"\371"#,
            chapChallenge: #"\357\015\330\013\021\234\145\245\303\253\142\246\133\175\375\316"#)
        #expect(login.chapID == [0o371])
        #expect(login.chapChallenge?.count == 16)
        #expect(login.chapChallenge?.first == 0o357)
        #expect(login.usesCHAP)
        #expect(
            HotspotLogin.octalText(login.chapChallenge!)
                == #"\357\015\330\013\021\234\145\245\303\253\142\246\133\175\375\316"#)
    }

    @Test func withoutAChallengeTheRouterTakesThePasswordInClear() throws {
        let login = try HotspotLogin(
            loginURL: "https://hotspot.cafe/login", originalURL: nil, chapID: "", chapChallenge: nil)
        #expect(!login.usesCHAP)
    }

    @Test(arguments: [
        "javascript:alert(1)", "ftp://router/login", "http://", "http://a b/login", #"http://x/"><script>"#,
    ])
    func aLoginLinkThatIsNotAnHTTPPageIsRefused(_ link: String) {
        #expect(throws: HotspotLogin.Invalid.loginURL(link)) {
            try HotspotLogin(loginURL: link, originalURL: nil, chapID: nil, chapChallenge: nil)
        }
    }

    static let malformedCHAP: [(String?, String?)] = [
        (#"\371"#, nil), (nil, #"\001\002"#), (#"\9"#, #"\001"#), (#"\371\372"#, #"\001"#), ("371", #"\001"#),
    ]

    @Test(arguments: malformedCHAP)
    func halfOrMalformedCHAPValuesAreRefused(_ id: String?, _ challenge: String?) {
        #expect(throws: HotspotLogin.Invalid.self) {
            try HotspotLogin(loginURL: "http://10.5.50.1/login", originalURL: nil, chapID: id, chapChallenge: challenge)
        }
    }
}
