import Console
import Foundation
import HotspotPayCore
import Hummingbird

extension AdminWebRoutes {
    func registerWebhooks(on admin: RouterGroup<PortalRequestContext>) {
        admin.get("webhooks") { request, context in
            await webhooksPage(request, context, form: [:], error: nil)
        }
        admin.post("webhooks") { request, context in
            let form = await Self.form(request)
            do throws(ConsoleError) {
                let endpoint = try await console.webhooks.add(
                    Self.webhookRequest(form), actor: AdminAPIRoutes.actor(context))
                // The secret is shown on this answer only: no redirect that would lose it.
                return await webhookPage(request, context, id: endpoint.id, newSecret: endpoint.secret.reveal)
            } catch { return await webhooksPage(request, context, form: form, error: error) }
        }
        admin.get("webhooks/{id}") { request, context in
            do throws(ConsoleError) {
                return await webhookPage(request, context, id: try AdminAPIRoutes.parameter(context, "id"))
            } catch { return failure(error, request, context) }
        }
        admin.post("webhooks/{id}") { request, context in
            let form = await Self.form(request)
            do throws(ConsoleError) {
                let id = try AdminAPIRoutes.parameter(context, "id")
                var change = Self.webhookRequest(form)
                change.enabled = form["enabled"] != nil
                change.rotateSecret = form["rotate_secret"] != nil
                let endpoint = try await console.webhooks.change(id: id, change, actor: AdminAPIRoutes.actor(context))
                if change.rotateSecret {
                    return await webhookPage(request, context, id: id, newSecret: endpoint.secret.reveal)
                }
                return Self.redirect("/admin/webhooks/\(id)?ok=webhookSaved")
            } catch { return failure(error, request, context) }
        }
        admin.post("webhooks/{id}/test") { request, context in
            do throws(ConsoleError) {
                let id = try AdminAPIRoutes.parameter(context, "id")
                _ = try await console.webhooks.sendTest(id: id, actor: AdminAPIRoutes.actor(context))
                return Self.redirect("/admin/webhooks/\(id)?ok=webhookTestQueued")
            } catch { return failure(error, request, context) }
        }
        admin.post("webhooks/{id}/remove") { request, context in
            do throws(ConsoleError) {
                try await console.webhooks.remove(
                    id: try AdminAPIRoutes.parameter(context, "id"), actor: AdminAPIRoutes.actor(context))
                return Self.redirect("/admin/webhooks?ok=webhookRemoved")
            } catch { return failure(error, request, context) }
        }
        admin.post("webhook-deliveries/{id}/retry") { request, context in
            do throws(ConsoleError) {
                let delivery = try await console.webhooks.retry(
                    deliveryID: try AdminAPIRoutes.deliveryID(context), actor: AdminAPIRoutes.actor(context))
                return Self.redirect("/admin/webhooks/\(delivery.endpointID)?ok=webhookRetryQueued")
            } catch { return failure(error, request, context) }
        }
    }

    /// The form's fields as a desk request: each event is a checkbox `event_<name>`.
    static func webhookRequest(_ form: [String: String]) -> WebhookDesk.Request {
        let events = form.keys.filter { $0.hasPrefix("event_") }.map { String($0.dropFirst("event_".count)) }
        return WebhookDesk.Request(
            url: form["url"] ?? "", events: events, description: form["description"] ?? "",
            secret: form["secret"].flatMap { $0.isEmpty ? nil : $0 })
    }

    func webhooksPage(
        _ request: Request, _ context: PortalRequestContext, form: [String: String], error: ConsoleError?
    ) async -> Response {
        let endpoints = (try? await console.webhooks.endpoints()) ?? []
        let counts = (try? await console.webhooks.deliveries(limit: 1000)) ?? []
        let chosen = Set(Self.webhookRequest(form).events ?? [])
        let values: [String: Any] = [
            "endpoints": endpoints.map { endpoint in
                let mine = counts.filter { $0.endpointID == endpoint.id }
                return [
                    "id": endpoint.id, "url": endpoint.url, "description": endpoint.description,
                    "events": endpoint.events.count == WebhookEventType.all.count
                        ? text("allEvents", request) : endpoint.events.sorted().map(\.rawValue).joined(separator: ", "),
                    "enabled": endpoint.enabled, "pending": mine.filter { $0.status == .pending }.count,
                    "dead": mine.filter { $0.status == .dead }.count,
                ] as [String: Any]
            },
            "events": WebhookEventType.all.map { event in
                ["name": event.rawValue, "checked": form.isEmpty || chosen.contains(event.rawValue)] as [String: Any]
            },
            "url": form["url"] ?? "", "description": form["description"] ?? "",
        ]
        return page(
            "webhooks", request, context, nav: "webhooks", title: text("navWebhooks", request), values: values,
            status: error.map { AdminResponses.status(for: $0) } ?? .ok, error: error)
    }

    /// One endpoint: its settings, its deliveries with each attempt, and (right after it was made
    /// or rotated) its secret, once.
    func webhookPage(_ request: Request, _ context: PortalRequestContext, id: String, newSecret: String? = nil) async
        -> Response
    {
        do throws(ConsoleError) {
            let endpoint = try await console.webhooks.endpoint(id: id)
            let deliveries = try await console.webhooks.deliveries(endpointID: id, limit: 50)
            var rows: [[String: Any]] = []
            for delivery in deliveries {
                let attempts = try await console.webhooks.attempts(deliveryID: delivery.id)
                rows.append([
                    "id": delivery.id, "event": delivery.eventType.rawValue, "eventID": delivery.eventID,
                    "status": delivery.status.rawValue, "dead": delivery.status == .dead,
                    "waiting": delivery.status == .pending, "attempts": delivery.attempts,
                    "created": time(delivery.createdAt), "next": time(delivery.nextAttemptAt),
                    "transaction": delivery.transactionID ?? false,
                    "log": attempts.map { attempt in
                        [
                            "number": attempt.number, "at": time(attempt.at),
                            "code": attempt.statusCode.map(String.init) ?? "—", "ms": attempt.latencyMilliseconds,
                            "excerpt": attempt.responseExcerpt, "failed": !attempt.delivered,
                        ] as [String: Any]
                    },
                ])
            }
            let values: [String: Any] = [
                "endpoint": [
                    "id": endpoint.id, "url": endpoint.url, "description": endpoint.description,
                    "enabled": endpoint.enabled,
                ],
                "events": WebhookEventType.all.map { event in
                    ["name": event.rawValue, "checked": endpoint.events.contains(event)] as [String: Any]
                },
                "newSecret": newSecret ?? false, "deliveries": rows,
            ]
            return page(
                "webhook", request, context, nav: "webhooks", title: text("navWebhooks", request), values: values,
                status: newSecret == nil ? .ok : .created)
        } catch { return failure(error, request, context) }
    }
}
