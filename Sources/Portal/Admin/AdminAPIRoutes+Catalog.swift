import Console
import Foundation
import HotspotPayCore
import Hummingbird

extension AdminAPIRoutes {
    struct NewID: Decodable { var id: String }
    struct SameID: Decodable { var id: String? }

    /// A change may repeat the id in its body, but not change it: sales, receipts and the
    /// router's RADIUS configuration refer to it.
    static func refuseNewID(_ body: Data, _ context: PortalRequestContext, entity: String) throws(ConsoleError) {
        let path = try parameter(context, "id")
        if let given = try decode(SameID.self, body).id, given != path {
            throw .invalid([.init(field: "id", message: "a \(entity)'s id cannot be changed ('\(path)')")])
        }
    }

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
                let body = try await Self.body(request)
                try Self.refuseNewID(body, context, entity: "plan")
                let changes = try Self.decode(PlanChanges.self, body)
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
                let body = try await Self.body(request)
                try Self.refuseNewID(body, context, entity: "router")
                let changes = try Self.decode(RouterChanges.self, body)
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
