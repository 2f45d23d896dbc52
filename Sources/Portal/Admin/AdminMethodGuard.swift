import Console
import Hummingbird

/// Answers a method an `/api/admin` resource does not take with 405 and `Allow` (any method,
/// `QUERY` and `TRACE` included), instead of the router's 404: the resource exists.
struct AdminMethodGuard: RouterMiddleware {
    typealias Context = PortalRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let prefix = "/api/admin/"
        let path = request.uri.path
        guard path.hasPrefix(prefix),
            let methods = AdminAPIRoutes.methods(forPath: String(path.dropFirst(prefix.count))),
            !methods.contains(request.method), !(request.method == .head && methods.contains(.get))
        else { return try await next(request, context) }
        let allow = methods.map(\.rawValue).joined(separator: ", ")
        var response = AdminResponses.apiError(.methodNotAllowed(allow: allow))
        response.headers[.allow] = allow
        return response
    }
}
