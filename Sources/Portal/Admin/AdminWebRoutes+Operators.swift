import Console
import Foundation
import HotspotPayCore
import Hummingbird

extension AdminWebRoutes {
    func registerOperators(on admin: RouterGroup<PortalRequestContext>) {
        admin.get("operators") { request, context in
            await operatorsPage(request, context, newToken: nil, error: nil)
        }
        admin.post("operators") { request, context in
            let form = await Self.form(request)
            do throws(ConsoleError) {
                _ = try await console.accounts.addOperator(
                    username: form["username"] ?? "", displayName: form["display_name"] ?? "",
                    password: form["password"] ?? "", role: try Self.role(form["role"]),
                    actor: AdminAPIRoutes.actor(context))
                return Self.redirect("/admin/operators?ok=operatorAdded")
            } catch { return await operatorsPage(request, context, newToken: nil, error: error) }
        }
        admin.post("operators/{username}/password") { request, context in
            let form = await Self.form(request)
            let username = context.parameters.get("username") ?? ""
            do throws(ConsoleError) {
                try await console.accounts.setPassword(
                    username: username, password: form["password"] ?? "", actor: AdminAPIRoutes.actor(context))
                // Changing a password signs that operator out everywhere, this browser included.
                let own = username == context.identity?.person.username
                return Self.redirect(own ? "/admin/login?ok=passwordChanged" : "/admin/operators?ok=operatorChanged")
            } catch {
                // Staff below the Operators page change only their own password: their error page
                // is not that page (every operator, role and token).
                guard context.identity?.person.role.allows(.staff) == true else {
                    var answer = failure(error, request, context)
                    answer.headers[.location] = nil
                    return answer
                }
                return await operatorsPage(request, context, newToken: nil, error: error)
            }
        }
        for (action, disabled) in [("disable", true), ("enable", false)] {
            admin.post("operators/{username}/\(action)") { request, context in
                do throws(ConsoleError) {
                    try await console.accounts.setDisabled(
                        username: try AdminAPIRoutes.parameter(context, "username"), disabled,
                        actor: AdminAPIRoutes.actor(context))
                    return Self.redirect("/admin/operators?ok=operatorChanged")
                } catch { return await operatorsPage(request, context, newToken: nil, error: error) }
            }
        }
        admin.post("operators/{username}/role") { request, context in
            let form = await Self.form(request)
            do throws(ConsoleError) {
                _ = try await console.accounts.setRole(
                    username: try AdminAPIRoutes.parameter(context, "username"), try Self.role(form["role"]),
                    actor: AdminAPIRoutes.actor(context))
                return Self.redirect("/admin/operators?ok=operatorChanged")
            } catch { return await operatorsPage(request, context, newToken: nil, error: error) }
        }
        admin.post("tokens") { request, context in
            let form = await Self.form(request)
            do throws(ConsoleError) {
                guard let identity = context.identity else { throw .badCredentials }
                let made = try await console.accounts.createToken(
                    name: form["name"] ?? "", for: identity.person, actor: identity.actor)
                // Shown once, on this response only (no redirect, nothing stored in clear).
                return await operatorsPage(request, context, newToken: made.secret, error: nil)
            } catch { return await operatorsPage(request, context, newToken: nil, error: error) }
        }
        admin.post("tokens/{id}/revoke") { request, context in
            do throws(ConsoleError) {
                try await console.accounts.revokeToken(
                    id: try AdminAPIRoutes.parameter(context, "id"), actor: AdminAPIRoutes.actor(context))
                return Self.redirect("/admin/operators?ok=tokenRevoked")
            } catch { return await operatorsPage(request, context, newToken: nil, error: error) }
        }
    }

    /// The role a form names (an owner when the form has no role field).
    static func role(_ text: String?) throws(ConsoleError) -> StaffRole {
        guard let text, !text.isEmpty else { return .owner }
        guard let role = StaffRole(rawValue: text) else {
            throw .invalid([.init(field: "role", message: "owner, manager or cashier")])
        }
        return role
    }

    func operatorsPage(
        _ request: Request, _ context: PortalRequestContext, newToken: String?, error: ConsoleError?
    ) async -> Response {
        let operators = (try? await console.accounts.operators()) ?? []
        let tokens = (try? await console.accounts.tokens()) ?? []
        let me = context.identity?.person.username
        var values: [String: Any] = [
            "operators": operators.map { person in
                [
                    "username": person.username, "name": person.displayName, "created": time(person.createdAt),
                    "disabled": person.isDisabled, "self": person.username == me,
                    "roles": StaffRole.allCases.map { ["value": $0.rawValue, "selected": $0 == person.role] },
                    "role": person.role.rawValue,
                ] as [String: Any]
            },
            "tokens": tokens.map { token in
                [
                    "id": token.id, "name": token.name, "prefix": token.prefix, "created": time(token.createdAt),
                    "revoked": token.revokedAt.map(time) ?? false,
                ] as [String: Any]
            },
        ]
        if let newToken { values["newToken"] = newToken }
        return page(
            "operators", request, context, nav: "operators", title: text("navOperators", request), values: values,
            status: error.map { AdminResponses.status(for: $0) } ?? .ok, error: error)
    }
}
