import Console
import Foundation
import HotspotPayCore
import Hummingbird
import Payments

/// Guards everything under `/admin` and `/api/admin`: a request must carry a live session
/// cookie or an API token (`Authorization: Bearer hpt_…`), or it gets 401 (API) or a redirect to
/// the sign-in page (web). Unsafe methods made with the cookie must also echo the session's
/// CSRF token, in the `X-CSRF-Token` header or a `_csrf` form field: a page on another site can
/// make the browser send the cookie, but it cannot read the token.
public struct AdminAuthMiddleware: RouterMiddleware {
    public typealias Context = PortalRequestContext
    let accounts: OperatorAccounts
    /// Form bodies larger than this are refused before the CSRF check reads them.
    static let maximumFormBytes = 256 * 1024

    public init(accounts: OperatorAccounts) { self.accounts = accounts }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        var context = context
        let isAPI = request.uri.path.hasPrefix("/api/")
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer",
                let identity = try await accounts.identity(bearerToken: String(parts[1]))
            else {
                context.logger.notice("admin request with a bad token", metadata: ["path": "\(request.uri.path)"])
                return AdminResponses.unauthorized(api: true, request: request, reason: "invalid or revoked API token")
            }
            context.identity = identity
            return try await next(request, context)
        }
        guard let cookie = request.cookies[AdminSession.cookieName]?.value,
            let identity = try await accounts.identity(sessionCookie: cookie)
        else {
            return AdminResponses.unauthorized(api: isAPI, request: request, reason: "sign in first")
        }
        if !Self.isSafe(request.method) {
            var sent = request.headers[AdminSession.csrfHeader]
            if sent == nil, request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
                let body = try await request.collectBody(upTo: Self.maximumFormBytes)
                sent = FormFields.decode(String(buffer: body))["_csrf"]
            }
            guard let sent, let expected = identity.csrfToken,
                ConstantTime.equal(sent, expected)
            else {
                context.logger.warning(
                    "admin request without a valid CSRF token refused",
                    metadata: ["path": "\(request.uri.path)", "operator": "\(identity.person.username)"])
                return AdminResponses.error(
                    status: .forbidden, api: isAPI,
                    message: "missing or wrong CSRF token: reload the page and try again")
            }
        }
        context.identity = identity
        return try await next(request, context)
    }

    static func isSafe(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head || method == .options
    }
}
