import Console
import Foundation
import HotspotPayCore
import Hummingbird

extension AdminAPIRoutes {
    struct NewOperator: Decodable {
        var username: String
        var password: String
        var displayName: String?
        var role: StaffRole?
    }
    struct NewRole: Decodable { var role: StaffRole }

    struct NewPassword: Decodable { var password: String }
    struct NewToken: Decodable { var name: String }

    func registerAccounts(on api: RouterGroup<PortalRequestContext>) {
        let console = self.console
        api.get("me") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                guard let identity = context.identity else { throw .badCredentials }
                return AdminResponses.json(OperatorJSON(identity.person))
            }
        }
        api.get("operators") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                AdminResponses.json(try await console.accounts.operators().map(OperatorJSON.init))
            }
        }
        api.post("operators") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let body = try await Self.decode(NewOperator.self, request)
                let person = try await console.accounts.addOperator(
                    username: body.username, displayName: body.displayName ?? "", password: body.password,
                    role: body.role ?? .owner, actor: Self.actor(context))
                return AdminResponses.json(OperatorJSON(person), status: .created)
            }
        }
        api.post("operators/{username}/password") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let body = try await Self.decode(NewPassword.self, request)
                try await console.accounts.setPassword(
                    username: try Self.parameter(context, "username"), password: body.password,
                    actor: Self.actor(context))
                return Response(status: .noContent)
            }
        }
        for (path, disabled) in [("disable", true), ("enable", false)] {
            api.post("operators/{username}/\(path)") { _, context in
                await Self.answer(context) { () async throws(ConsoleError) in
                    try await console.accounts.setDisabled(
                        username: try Self.parameter(context, "username"), disabled, actor: Self.actor(context))
                    return Response(status: .noContent)
                }
            }
        }
        api.post("operators/{username}/role") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let body = try await Self.decode(NewRole.self, request)
                let person = try await console.accounts.setRole(
                    username: try Self.parameter(context, "username"), body.role, actor: Self.actor(context))
                return AdminResponses.json(OperatorJSON(person))
            }
        }
        api.get("tokens") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                AdminResponses.json(try await console.accounts.tokens().map { TokenJSON($0) })
            }
        }
        api.post("tokens") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                guard let identity = context.identity else { throw .badCredentials }
                let body = try await Self.decode(NewToken.self, request)
                let made = try await console.accounts.createToken(
                    name: body.name, for: identity.person, actor: identity.actor)
                return AdminResponses.json(TokenJSON(made.token, secret: made.secret), status: .created)
            }
        }
        api.delete("tokens/{id}") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                try await console.accounts.revokeToken(
                    id: try Self.parameter(context, "id"), actor: Self.actor(context))
                return Response(status: .noContent)
            }
        }
    }
}
