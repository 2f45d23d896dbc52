import Console
import Foundation
import HTTPTypes
import Hummingbird

/// The console's cookie and CSRF conventions.
enum AdminSession {
    static let cookieName = "hp_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    static let languageCookie = "hp_lang"

    /// The session cookie: HttpOnly (scripts cannot read it), SameSite=Strict (other sites'
    /// requests do not carry it), Secure when the portal is served over HTTPS.
    static func cookie(_ value: String, secure: Bool, maxAge: Int) -> Cookie {
        Cookie(
            name: cookieName, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true,
            sameSite: .strict)
    }

    static func clearedCookie(secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }
}
