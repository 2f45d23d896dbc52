import Console
import HotspotPayCore
import Hummingbird

/// What each console page and operator API operation needs (``StaffPermission``), and the guard
/// that enforces it after ``AdminAuthMiddleware`` has said who is asking. One table per surface,
/// keyed `METHOD template`; a request that matches no entry needs ``StaffPermission/staff``
/// (owners only), so a page added without an entry is closed rather than open.
struct StaffAccess: RouterMiddleware {
    typealias Context = PortalRequestContext

    /// Where the requests come from: `/api/admin/…` (JSON answers) or `/admin/…` (pages).
    enum Surface: Sendable {
        case api, pages
        var prefix: String { self == .api ? "/api/admin/" : "/admin/" }
    }
    let surface: Surface

    /// The operator API, as `docs/openapi.yaml` lists it (`x-role` there is the least role of each).
    static let api: [String: StaffPermission] = [
        "GET me": .lookUp, "GET dashboard": .reports, "GET plans": .lookUp, "POST plans": .catalog,
        "GET plans/{id}": .lookUp, "PATCH plans/{id}": .catalog,
        "GET routers": .routers, "POST routers": .routers, "GET routers/{id}": .routers, "PATCH routers/{id}": .routers,
        "DELETE routers/{id}": .routers, "GET routers/{id}/doctor": .routers,
        // A list of sales is a report; a cashier looks up one device or receipt (see `permission`).
        "GET transactions": .reports, "GET transactions.csv": .reports, "GET transactions/{id}": .lookUp,
        "POST transactions/{id}/refund": .money, "POST transactions/{id}/recheck": .counter,
        "POST transactions/{id}/unlock": .counter, "POST cash-sales": .counter, "POST external-sales": .integrations,
        "GET grants": .lookUp, "POST grants/{id}/extend": .counter, "POST grants/{id}/revoke": .counter,
        "GET sessions": .lookUp, "GET revenue": .reports, "GET audit": .reports,
        "GET operators": .staff, "POST operators": .staff, "POST operators/{username}/password": .staff,
        "POST operators/{username}/disable": .staff, "POST operators/{username}/enable": .staff,
        "POST operators/{username}/role": .staff, "GET tokens": .staff, "POST tokens": .staff,
        "DELETE tokens/{id}": .staff, "POST refunds/{id}/check": .money, "POST refunds/{id}/resolve": .money,
        "GET unapplied-payments": .money, "POST unapplied-payments/{id}/resolve": .money,
        // Making a batch is the manager's; printing one is counter work.
        "GET voucher-batches": .counter, "POST voucher-batches": .vouchers, "GET voucher-batches/{id}": .counter,
        "GET voucher-batches/{id}/codes.csv": .counter, "POST voucher-batches/{id}/revoke": .vouchers,
        "GET webhooks": .integrations, "POST webhooks": .integrations, "GET webhooks/{id}": .integrations,
        "PATCH webhooks/{id}": .integrations, "DELETE webhooks/{id}": .integrations,
        "POST webhooks/{id}/test": .integrations, "GET webhooks/{id}/deliveries": .integrations,
        "GET webhook-deliveries/{id}": .integrations, "POST webhook-deliveries/{id}/retry": .integrations,
        "GET provider-keys": .providerKeys, "PATCH provider-keys/{provider}": .providerKeys,
    ]

    /// The console's pages and forms.
    static let pages: [String: StaffPermission] = [
        "GET ": .reports, "GET sales": .reports, "GET sales/{id}": .lookUp, "GET devices": .lookUp,
        "GET plans": .catalog, "GET plans/{id}": .catalog, "POST plans": .catalog, "POST plans/{id}": .catalog,
        "GET routers": .routers, "GET routers/{id}": .routers, "GET routers/{id}/routeros.rsc": .routers,
        "GET routers/{id}/doctor": .routers, "POST routers": .routers, "POST routers/{id}": .routers,
        "POST routers/{id}/remove": .routers, "GET revenue": .reports, "GET audit": .reports,
        "POST sales/{id}/refund": .money, "POST sales/{id}/recheck": .counter, "POST sales/{id}/unlock": .counter,
        "POST cash-sales": .counter, "POST grants/{id}/extend": .counter, "POST grants/{id}/revoke": .counter,
        "POST refunds/{id}/check": .money, "POST refunds/{id}/resolve": .money, "POST unapplied/{id}": .money,
        "GET operators": .staff, "POST operators": .staff, "POST operators/{username}/password": .staff,
        "POST operators/{username}/disable": .staff, "POST operators/{username}/enable": .staff,
        "POST operators/{username}/role": .staff, "POST tokens": .staff, "POST tokens/{id}/revoke": .staff,
        "POST logout": .lookUp, "GET vouchers": .counter, "POST vouchers": .vouchers, "GET vouchers/{id}": .counter,
        "GET vouchers/{id}/codes.csv": .counter, "POST vouchers/{id}/revoke": .vouchers,
        "GET webhooks": .integrations, "POST webhooks": .integrations, "GET webhooks/{id}": .integrations,
        "POST webhooks/{id}": .integrations, "POST webhooks/{id}/test": .integrations,
        "POST webhooks/{id}/remove": .integrations, "POST webhook-deliveries/{id}/retry": .integrations,
        "GET payments": .providerKeys, "POST payments/{provider}": .providerKeys,
    ]

    /// The permission a request needs: its table entry, except that a search for one device
    /// (`mac`) or receipt (`order`) is a look-up rather than a report.
    static func permission(_ surface: Surface, method: HTTPRequest.Method, path: String, query: [String: String])
        -> StaffPermission
    {
        let table = surface == .api ? api : pages
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        let found = table.first { key, _ in
            let parts = key.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 || (parts.count == 1 && segments.isEmpty),
                String(parts[0]) == method.rawValue
                    || (method == .head && parts[0] == "GET")
            else { return false }
            let template = parts.count == 2 ? parts[1].split(separator: "/") : []
            return template.count == segments.count
                && zip(template, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }?.value
        guard let found else { return .staff }
        let lookingUpOne = ["mac", "order"].contains { !(query[$0] ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
        if found == .reports, lookingUpOne, path == "transactions" || path == "sales" { return .lookUp }
        return found
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let identity = context.identity else { return try await next(request, context) }
        let path = request.uri.path
        let relative = path.hasPrefix(surface.prefix) ? String(path.dropFirst(surface.prefix.count)) : ""
        let needed = Self.permission(
            surface, method: request.method, path: relative, query: AdminAPIRoutes.query(request))
        let role = identity.person.role
        if role.allows(needed) || Self.isOwnPassword(relative, identity.person.username, request.method) {
            return try await next(request, context)
        }
        // The cashier's home is the counter, not the dashboard (it shows the day's revenue).
        if surface == .pages, request.method == .get, relative.isEmpty {
            return Response(status: .seeOther, headers: [.location: "/admin/devices", .cacheControl: "no-store"])
        }
        context.logger.notice(
            "operator refused by role",
            metadata: [
                "operator": "\(identity.person.username)", "role": "\(role.rawValue)", "path": "\(path)",
                "needs": "\(needed.rawValue)",
            ])
        let message =
            "\(identity.person.username) is a \(role.rawValue); this needs a \(StaffRole.least(for: needed).rawValue) "
            + "or above (\(needed.rawValue))"
        return AdminResponses.error(status: .forbidden, api: surface == .api, message: message)
    }

    /// Everyone may change their own password (changing anyone else's is staff work).
    static func isOwnPassword(_ path: String, _ username: String, _ method: HTTPRequest.Method) -> Bool {
        method == .post && path == "operators/\(username)/password"
    }
}
