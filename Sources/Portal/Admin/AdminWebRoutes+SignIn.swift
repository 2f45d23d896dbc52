import Console
import Foundation
import HotspotPayCore
import Hummingbird

extension AdminWebRoutes {
    /// The sign-in form's own CSRF protection (there is no session yet): a random value in a
    /// cookie that must match the form field, so another site cannot sign a browser in to an
    /// account of its choosing.
    static let loginCookie = "hp_login"

    func registerSignIn(on router: Hummingbird.Router<PortalRequestContext>) {
        router.get("/admin/login") { request, context in
            signInPage(
                request, context, username: "", next: request.uri.queryParameters.get("next").map { String($0) },
                error: nil)
        }
        router.post("/admin/login") { request, context in
            let form = await Self.form(request)
            let username = form["username"] ?? ""
            guard let sent = form["_csrf"], let expected = request.cookies[Self.loginCookie]?.value,
                ConstantTime.equal(sent, expected)
            else {
                return signInPage(
                    request, context, username: username, next: form["next"],
                    error: text("error_loginExpired", request),
                    status: .forbidden)
            }
            let address = proxies.clientAddress(request, context)
            do throws(ConsoleError) {
                let signIn = try await console.accounts.signIn(
                    username: username, password: form["password"] ?? "", address: address)
                context.logger.notice(
                    "operator signed in", metadata: ["operator": "\(signIn.person.username)", "address": "\(address)"])
                var response = Self.redirect(Self.safeNext(form["next"]))
                response.setCookie(
                    AdminSession.cookie(
                        signIn.cookieToken, secure: secureCookies, maxAge: Int(console.accounts.sessionLifetimeSeconds))
                )
                response.setCookie(Self.expiredLoginCookie(secure: secureCookies))
                return response
            } catch .badCredentials {
                context.logger.notice(
                    "operator sign-in failed", metadata: ["username": "\(username)", "address": "\(address)"])
                return signInPage(
                    request, context, username: username, next: form["next"],
                    error: text("error_badCredentials", request), status: .unauthorized)
            } catch .throttled(let seconds) {
                context.logger.warning(
                    "operator sign-in throttled", metadata: ["username": "\(username)", "address": "\(address)"])
                var response = signInPage(
                    request, context, username: username, next: form["next"],
                    error: "\(text("error_throttled", request)) \(seconds)", status: .tooManyRequests)
                response.headers[.retryAfter] = "\(seconds)"
                return response
            } catch {
                return failure(error, request, context)
            }
        }
        let admin = router.group("admin").add(middleware: AdminAuthMiddleware(accounts: console.accounts))
        admin.post("logout") { request, context in
            if let cookie = request.cookies[AdminSession.cookieName]?.value {
                try? await console.accounts.signOut(sessionCookie: cookie)
            }
            var response = Self.redirect("/admin/login?ok=signedOut")
            response.setCookie(AdminSession.clearedCookie(secure: secureCookies))
            return response
        }
    }

    func signInPage(
        _ request: Request, _ context: PortalRequestContext, username: String, next: String?, error: String?,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let token = AdminLoginToken.make()
        var values: [String: Any] = [
            "loginToken": token, "username": username,
            "next": Self.safeNext(next),
        ]
        if let error { values["error"] = error }
        var context = context
        context.identity = nil
        var response = page(
            "login", request, context, nav: "", title: text("signInHeading", request), values: values, status: status)
        response.setCookie(
            Cookie(
                name: Self.loginCookie, value: token, maxAge: 3600, path: "/admin/login", secure: secureCookies,
                httpOnly: true, sameSite: .strict))
        return response
    }

    static func expiredLoginCookie(secure: Bool) -> Cookie {
        Cookie(
            name: loginCookie, value: "", maxAge: 0, path: "/admin/login", secure: secure, httpOnly: true,
            sameSite: .strict)
    }

    /// Only our own pages: an open redirect after sign-in would hand phishers a trusted link.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/admin"), !next.hasPrefix("//"), !next.contains("\\"),
            !next.contains("\r"), !next.contains("\n"), !next.hasPrefix("/admin/login")
        else { return "/admin" }
        return next
    }
}

/// Random values for the sign-in form's cookie.
enum AdminLoginToken {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return ASCIIHex.lowercase((0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
