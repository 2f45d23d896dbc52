import Console
import Foundation
import HotspotPayCore
import Hummingbird
import RouterOSAPI

extension AdminWebRoutes {
    func registerCatalog(on admin: RouterGroup<PortalRequestContext>) {
        admin.get("plans") { request, context in
            await plansPage(request, context, form: ["active": true, "order": "0"], error: nil)
        }
        admin.post("plans") { request, context in
            let form = await Self.form(request)
            do throws(ConsoleError) {
                _ = try await console.plans.add(
                    id: form["id"] ?? "", Self.planChanges(form, isNew: true), actor: AdminAPIRoutes.actor(context))
                return Self.redirect("/admin/plans?ok=planAdded")
            } catch {
                var values: [String: Any] = form
                values["active"] = form["active"] == "1"
                return await plansPage(request, context, form: values, error: error)
            }
        }
        admin.get("plans/{id}") { request, context in
            do throws(ConsoleError) {
                let plan = try await console.plans.plan(id: try AdminAPIRoutes.parameter(context, "id"))
                return planEditPage(request, context, id: plan.id, form: Self.planForm(plan), error: nil)
            } catch { return failure(error, request, context) }
        }
        admin.post("plans/{id}") { request, context in
            let form = await Self.form(request)
            let id = context.parameters.get("id") ?? ""
            do throws(ConsoleError) {
                _ = try await console.plans.update(
                    id: id, Self.planChanges(form, isNew: false), actor: AdminAPIRoutes.actor(context))
                return Self.redirect("/admin/plans?ok=planSaved")
            } catch {
                var values: [String: Any] = form
                values["active"] = form["active"] == "1"
                return planEditPage(request, context, id: id, form: values, error: error)
            }
        }
        admin.get("routers") { request, context in
            await routersPage(request, context, form: ["login": true, "msgauth": true, "coa_port": "3799"], error: nil)
        }
        admin.post("routers") { request, context in
            let form = await Self.form(request)
            do throws(ConsoleError) {
                _ = try await console.routers.add(
                    id: form["id"] ?? "", Self.routerChanges(form), actor: AdminAPIRoutes.actor(context))
                return Self.redirect("/admin/routers?ok=routerAdded")
            } catch {
                return await routersPage(request, context, form: Self.routerFormEcho(form), error: error)
            }
        }
        admin.get("routers/{id}") { request, context in
            do throws(ConsoleError) {
                let router = try await console.routers.router(id: try AdminAPIRoutes.parameter(context, "id"))
                return routerEditPage(
                    request, context, id: router.id, form: Self.routerForm(router), hasAPI: router.api != nil,
                    error: nil)
            } catch { return failure(error, request, context) }
        }
        admin.get("routers/{id}/doctor") { request, context in
            do throws(ConsoleError) {
                let report = try await console.routers.examine(id: try AdminAPIRoutes.parameter(context, "id"))
                return routerDoctorPage(request, context, report)
            } catch { return failure(error, request, context) }
        }
        admin.post("routers/{id}") { request, context in
            let form = await Self.form(request)
            let id = context.parameters.get("id") ?? ""
            do throws(ConsoleError) {
                _ = try await console.routers.update(
                    id: id, Self.routerChanges(form), actor: AdminAPIRoutes.actor(context))
                return Self.redirect("/admin/routers?ok=routerSaved")
            } catch {
                return routerEditPage(request, context, id: id, form: Self.routerFormEcho(form), error: error)
            }
        }
        admin.get("routers/{id}/routeros.rsc") { request, context in
            do throws(ConsoleError) {
                let router = try await console.routers.router(id: try AdminAPIRoutes.parameter(context, "id"))
                guard let routerScript else { throw .unavailable("this daemon cannot make RouterOS scripts") }
                let script: String
                do { script = try routerScript(router) } catch { throw .conflict("\(error)") }
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/plain; charset=utf-8", .cacheControl: "no-store",
                        .contentDisposition: "inline; filename=\"hotspotpay-\(router.id).rsc\"",
                    ], body: ResponseBody(byteBuffer: ByteBuffer(string: script)))
            } catch { return failure(error, request, context) }
        }
        admin.post("routers/{id}/remove") { request, context in
            do throws(ConsoleError) {
                try await console.routers.remove(
                    id: try AdminAPIRoutes.parameter(context, "id"), actor: AdminAPIRoutes.actor(context))
                return Self.redirect("/admin/routers?ok=routerRemoved")
            } catch { return failure(error, request, context) }
        }
    }

    // MARK: Plans

    /// A form's fields as plan changes; empty optional fields mean "none".
    static func planChanges(_ form: [String: String], isNew: Bool) -> PlanChanges {
        func field(_ key: String) -> String? { form[key].map { $0.trimmingCharacters(in: .whitespaces) } }
        let down = field("download") ?? ""
        let up = field("upload") ?? ""
        return PlanChanges(
            nameVI: field("name_vi"), nameEN: field("name_en"), price: field("price").flatMap { $0.isEmpty ? nil : $0 },
            duration: field("duration").flatMap { $0.isEmpty ? nil : $0 },
            dataCap: (field("data_cap") ?? "").isEmpty ? "none" : field("data_cap"),
            download: down.isEmpty ? "none" : down, upload: up.isEmpty ? "none" : up,
            order: Int(field("order") ?? "") ?? 0, active: form["active"] == "1")
    }

    static func planForm(_ plan: Plan) -> [String: Any] {
        [
            "id": plan.id, "name_vi": plan.name.vi, "name_en": plan.name.en, "price": "\(plan.price.dong)",
            "duration": DurationText.format(seconds: plan.durationSeconds),
            "data_cap": plan.dataCapBytes.map(ByteCount.format) ?? "",
            "download": plan.rateLimit.map { RateLimit.format(bitsPerSecond: $0.downloadBitsPerSecond) } ?? "",
            "upload": plan.rateLimit.map { RateLimit.format(bitsPerSecond: $0.uploadBitsPerSecond) } ?? "",
            "order": "\(plan.displayOrder)", "active": plan.isActive,
        ]
    }

    func plansPage(_ request: Request, _ context: PortalRequestContext, form: [String: Any], error: ConsoleError?)
        async -> Response
    {
        let language = Self.language(request)
        let plans = (try? await console.plans.plans()) ?? []
        let values: [String: Any] = [
            "plans": plans.map { plan in
                [
                    "id": plan.id, "name": plan.name[language], "price": plan.price.formatted(language),
                    "duration": DurationText.format(seconds: plan.durationSeconds),
                    "data": plan.dataCapBytes.map(ByteCount.format) ?? text("unlimited", request),
                    "speed": plan.rateLimit?.summary ?? text("routerDefault", request), "order": plan.displayOrder,
                    "active": plan.isActive,
                ] as [String: Any]
            },
            "form": form, "isNew": true, "formAction": "/admin/plans",
        ]
        return page(
            "plans", request, context, nav: "plans", title: text("navPlans", request), values: values,
            status: error.map { AdminResponses.status(for: $0) } ?? .ok, error: error)
    }

    func planEditPage(
        _ request: Request, _ context: PortalRequestContext, id: String, form: [String: Any], error: ConsoleError?
    ) -> Response {
        page(
            "plan_edit", request, context, nav: "plans", title: text("editPlan", request),
            values: ["form": form, "isNew": false, "formAction": "/admin/plans/\(id)", "planID": id],
            status: error.map { AdminResponses.status(for: $0) } ?? .ok, error: error)
    }

    // MARK: Routers

    static func routerChanges(_ form: [String: String]) -> RouterChanges {
        func field(_ key: String) -> String? {
            guard let value = form[key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        func lines(_ key: String) -> [String] {
            (form[key] ?? "").split(whereSeparator: \.isNewline).map(String.init)
        }
        return RouterChanges(
            name: field("name"), nasIdentifier: field("nas_identifier"), address: field("address"),
            secret: form["secret"].flatMap { $0.isEmpty ? nil : $0 }, coaPort: field("coa_port").flatMap { Int($0) },
            strategy: field("strategy"), captiveAttributes: lines("captive_attributes"),
            paidAttributes: lines("paid_attributes"),
            requireMessageAuthenticator: form["require_message_authenticator"] == "1",
            hotspotAddress: form["hotspot_address"] ?? "", apiURL: form["api_url"] ?? "",
            apiUser: field("api_user"), apiPassword: form["api_password"].flatMap { $0.isEmpty ? nil : $0 },
            apiCertificateSHA256: form["api_certificate_sha256"], apiPlainHTTP: form["api_plain_http"] == "1")
    }

    static func routerForm(_ router: HotspotPayCore.Router) -> [String: Any] {
        [
            "id": router.id, "name": router.name, "nas_identifier": router.nasIdentifier,
            "address": router.address.description, "coa_port": "\(router.coaPort)",
            "coa": router.strategy == .coa, "login": router.strategy == .login,
            "msgauth": router.requireMessageAuthenticator, "hotspot_address": router.hotspotAddress ?? "",
            "api_url": router.api?.url ?? "", "api_user": router.api?.user ?? "",
            "api_certificate_sha256": router.api?.certificateSHA256 ?? "",
            "api_plain_http": router.api?.plainHTTP ?? false,
            "captive": router.captiveAttributes.map(\.description).joined(separator: "\n"),
            "paid": router.paidAttributes.map(\.description).joined(separator: "\n"),
        ]
    }

    /// What the operator typed, shown again next to the errors (never the secret).
    static func routerFormEcho(_ form: [String: String]) -> [String: Any] {
        var values: [String: Any] = form.filter { $0.key != "secret" && $0.key != "api_password" }
        values["api_plain_http"] = form["api_plain_http"] == "1"
        values["coa"] = form["strategy"] == "coa"
        values["login"] = form["strategy"] != "coa"
        values["msgauth"] = form["require_message_authenticator"] == "1"
        values["captive"] = form["captive_attributes"] ?? ""
        values["paid"] = form["paid_attributes"] ?? ""
        return values
    }

    func routersPage(_ request: Request, _ context: PortalRequestContext, form: [String: Any], error: ConsoleError?)
        async -> Response
    {
        let routers = (try? await console.routers.routers()) ?? []
        let values: [String: Any] = [
            "routers": routers.map { router in
                [
                    "id": router.id, "name": router.name, "address": router.address.description,
                    "nas": router.nasIdentifier, "coaPort": router.coaPort, "strategy": router.strategy.rawValue,
                    "messageAuth": router.requireMessageAuthenticator ? "✓" : "—",
                ] as [String: Any]
            },
            "form": form, "isNew": true, "formAction": "/admin/routers",
        ]
        return page(
            "routers", request, context, nav: "routers", title: text("navRouters", request), values: values,
            status: error.map { AdminResponses.status(for: $0) } ?? .ok, error: error)
    }

    func routerDoctorPage(_ request: Request, _ context: PortalRequestContext, _ report: RouterDoctor.Report)
        -> Response
    {
        let problems = report.findings.filter { $0.severity == .problem }.count
        let warnings = report.findings.filter { $0.severity == .warning }.count
        return page(
            "router_doctor", request, context, nav: "routers", title: text("routerDoctor", request),
            values: [
                "routerID": report.routerID, "version": report.version ?? "", "readError": report.error ?? "",
                "findings": report.findings.map { finding -> [String: Any] in
                    let mark =
                        switch finding.severity {
                        case .ok: "✔"
                        case .warning: "!"
                        case .problem: "✘"
                        }
                    return [
                        "severity": finding.severity.rawValue, "mark": mark, "check": finding.check,
                        "found": finding.found, "fix": finding.fix ?? "",
                        "manual": finding.severity == .ok ? "" : finding.manual?.rawValue ?? "",
                    ]
                },
                "summary": report.error == nil ? "\(problems) ✘ · \(warnings) !" : "",
            ], status: .ok, error: nil)
    }

    func routerEditPage(
        _ request: Request, _ context: PortalRequestContext, id: String, form: [String: Any], hasAPI: Bool = false,
        error: ConsoleError?
    ) -> Response {
        page(
            "router_edit", request, context, nav: "routers", title: text("editRouter", request),
            values: [
                "form": form, "isNew": false, "formAction": "/admin/routers/\(id)", "routerID": id,
                "hasScript": routerScript != nil, "hasAPI": hasAPI,
            ],
            status: error.map { AdminResponses.status(for: $0) } ?? .ok, error: error)
    }
}
