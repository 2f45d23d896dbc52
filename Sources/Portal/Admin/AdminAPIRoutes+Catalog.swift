import Console
import Foundation
import HotspotPayCore
import Hummingbird

extension AdminAPIRoutes {
    struct NewID: Decodable { var id: String }

    func registerCatalog(on api: RouterGroup<PortalRequestContext>) {
        let console = self.console
        api.get("plans") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                AdminResponses.json(try await console.plans.plans().map(AdminJSON.PlanJSON.init))
            }
        }
        api.post("plans") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let body = try await Self.body(request)
                let id = try Self.decode(NewID.self, body).id
                let changes = try Self.decode(PlanChanges.self, body)
                let plan = try await console.plans.add(id: id, changes, actor: Self.actor(context))
                return AdminResponses.json(AdminJSON.PlanJSON(plan), status: .created)
            }
        }
        api.get("plans/{id}") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                AdminResponses.json(
                    AdminJSON.PlanJSON(try await console.plans.plan(id: try Self.parameter(context, "id"))))
            }
        }
        api.patch("plans/{id}") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let changes = try await Self.decode(PlanChanges.self, request)
                let plan = try await console.plans.update(
                    id: try Self.parameter(context, "id"), changes, actor: Self.actor(context))
                return AdminResponses.json(AdminJSON.PlanJSON(plan))
            }
        }

        api.get("routers") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                AdminResponses.json(try await console.routers.routers().map(AdminJSON.RouterJSON.init))
            }
        }
        api.post("routers") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let body = try await Self.body(request)
                let id = try Self.decode(NewID.self, body).id
                let changes = try Self.decode(RouterChanges.self, body)
                let router = try await console.routers.add(id: id, changes, actor: Self.actor(context))
                return AdminResponses.json(AdminJSON.RouterJSON(router), status: .created)
            }
        }
        api.get("routers/{id}") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                AdminResponses.json(
                    AdminJSON.RouterJSON(try await console.routers.router(id: try Self.parameter(context, "id"))))
            }
        }
        api.get("routers/{id}/doctor") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                AdminResponses.json(try await console.routers.examine(id: try Self.parameter(context, "id")))
            }
        }
        api.patch("routers/{id}") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let changes = try await Self.decode(RouterChanges.self, request)
                let router = try await console.routers.update(
                    id: try Self.parameter(context, "id"), changes, actor: Self.actor(context))
                return AdminResponses.json(AdminJSON.RouterJSON(router))
            }
        }
        api.delete("routers/{id}") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                try await console.routers.remove(id: try Self.parameter(context, "id"), actor: Self.actor(context))
                return Response(status: .noContent)
            }
        }
    }
}
