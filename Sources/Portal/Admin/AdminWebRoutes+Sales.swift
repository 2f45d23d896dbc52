import Console
import Foundation
import HotspotPayCore
import Hummingbird
import Payments
import Store

extension AdminWebRoutes {
    func registerSales(on admin: RouterGroup<PortalRequestContext>) {
        admin.get { request, context in
            do throws(ConsoleError) {
                let summary = try await console.dashboard.summary()
                let recent = try await console.sales.search(SalesQuery(perPage: 10)).sales
                let today = summary.today
                let values: [String: Any] = [
                    "today": [
                        "net": money(today.net, request), "sales": today.sales,
                        "refunded": today.refunded.dong > 0 ? money(today.refunded, request) : false,
                    ],
                    "liveDevices": summary.liveDevices, "activeGrants": summary.activeGrants,
                    "troubleCount": summary.stuckUnlocks.count + summary.failedUnlocks.count
                        + summary.unappliedMoney.count + (summary.deadWebhooks > 0 ? 1 : 0),
                    "deadWebhooks": summary.deadWebhooks > 0 ? summary.deadWebhooks : false,
                    "unapplied": summary.unappliedMoney.map { unappliedRow($0, request) },
                    "chart": HourlyChart.svg(summary.paymentsPerHour) { console.venue.text($0) },
                    "stuck": summary.stuckUnlocks.map(jobRow), "failed": summary.failedUnlocks.map(jobRow),
                    "closing": summary.closingSoon.map { saleRow($0, request) },
                    "sales": recent.map { saleRow($0, request) },
                ]
                return page(
                    "dashboard", request, context, nav: "dashboard", title: text("navDashboard", request),
                    values: values)
            } catch { return failure(error, request, context) }
        }
        admin.get("sales") { request, context in
            let parameters = AdminAPIRoutes.query(request)
            do throws(ConsoleError) {
                let query = try SalesQuery(parameters: parameters, venue: console.venue)
                let found = try await console.sales.search(query)
                return salesPage(request, context, parameters: parameters, query: query, found: found, error: nil)
            } catch {
                return salesPage(
                    request, context, parameters: parameters, query: SalesQuery(), found: ([], 0), error: error)
            }
        }
        admin.get("sales/{id}") { request, context in
            do throws(ConsoleError) {
                let detail = try await console.sales.sale(id: try AdminAPIRoutes.parameter(context, "id"))
                return salePage(request, context, detail, error: nil)
            } catch { return failure(error, request, context) }
        }
        admin.post("sales/{id}/refund") { request, context in
            let form = await Self.form(request)
            let id = context.parameters.get("id") ?? ""
            do throws(ConsoleError) {
                let outcome = try await console.refunds.refund(
                    transactionID: id, amount: form["amount"], reason: form["reason"] ?? "",
                    revokeAccess: form["revoke_access"] == "1", actor: AdminAPIRoutes.actor(context))
                let flash = outcome.refund.status == .requested ? "refund_checking" : "refunded"
                return Self.redirect("/admin/sales/\(id)?ok=\(flash)")
            } catch {
                guard let detail = try? await console.sales.sale(id: id) else {
                    return failure(error, request, context)
                }
                return salePage(request, context, detail, error: error)
            }
        }
        admin.post("cash-sales") { request, context in
            let form = await Self.form(request)
            do throws(ConsoleError) {
                let sold = try await console.saleDesk.sellForCash(
                    planID: form["plan"] ?? "", device: form["device"] ?? "", routerID: form["router"],
                    confirmUnseen: form["confirm_unseen"] == "1", actor: AdminAPIRoutes.actor(context))
                return Self.redirect("/admin/sales/\(sold.id)?ok=cashSold")
            } catch {
                return await devicesPage(request, context, form: form, error: error)
            }
        }
        admin.post("sales/{id}/recheck") { request, context in
            await saleAction(request, context, flash: "rechecked") { id, actor throws(ConsoleError) in
                _ = try await console.saleDesk.recheck(transactionID: id, actor: actor)
            }
        }
        admin.post("sales/{id}/unlock") { request, context in
            await saleAction(request, context, flash: "unlockResent") { id, actor throws(ConsoleError) in
                _ = try await console.saleDesk.resendUnlock(transactionID: id, actor: actor)
            }
        }
        for action in ["check", "resolve"] {
            admin.post("refunds/{id}/\(action)") { request, context in
                let form = await Self.form(request)
                let id = context.parameters.get("id") ?? ""
                let sale = form["sale"] ?? ""
                do throws(ConsoleError) {
                    let refund =
                        action == "check"
                        ? try await console.refunds.check(refundID: id, actor: AdminAPIRoutes.actor(context))
                        : try await console.refunds.resolve(
                            refundID: id, succeeded: form["outcome"] == "succeeded",
                            providerReference: form["provider_reference"], note: form["note"] ?? "",
                            actor: AdminAPIRoutes.actor(context))
                    return Self.redirect("/admin/sales/\(refund.transactionID)?ok=refund_\(refund.status.rawValue)")
                } catch {
                    guard let detail = try? await console.sales.sale(id: sale) else {
                        return failure(error, request, context)
                    }
                    return salePage(request, context, detail, error: error)
                }
            }
        }
        admin.post("unapplied/{id}") { request, context in
            let form = await Self.form(request)
            let id = context.parameters.get("id") ?? ""
            do throws(ConsoleError) {
                guard let action = UnappliedMoneyDesk.Action(rawValue: form["action"] ?? "") else {
                    throw .invalid([.init(field: "action", message: "choose what to do")])
                }
                _ = try await console.unapplied.resolve(
                    id: id, action: action, note: form["note"] ?? "", actor: AdminAPIRoutes.actor(context))
                return Self.redirect("/admin?ok=unapplied_resolved")
            } catch { return failure(error, request, context) }
        }
        for action in ["extend", "revoke"] {
            admin.post("grants/{id}/\(action)") { request, context in
                let form = await Self.form(request)
                let id = context.parameters.get("id") ?? ""
                let back = request.uri.queryParameters.get("back").map { String($0) }
                do throws(ConsoleError) {
                    if action == "extend" {
                        _ = try await console.grants.extend(
                            id: id, by: form["duration"] ?? "", data: form["data"], reason: form["reason"] ?? "",
                            actor: AdminAPIRoutes.actor(context))
                    } else {
                        _ = try await console.grants.revoke(
                            id: id, reason: form["reason"] ?? "", actor: AdminAPIRoutes.actor(context))
                    }
                    let flash = action == "extend" ? "extended" : "revoked"
                    let target = back.flatMap { $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } ? $0 : nil }
                    return Self.redirect(
                        target.map { "/admin/sales/\($0)?ok=\(flash)" } ?? "/admin/devices?ok=\(flash)")
                } catch {
                    if let back, let detail = try? await console.sales.sale(id: back) {
                        return salePage(request, context, detail, error: error)
                    }
                    return failure(error, request, context)
                }
            }
        }
        admin.get("devices") { request, context in
            await devicesPage(request, context, form: [:], error: nil)
        }
        admin.get("revenue") { request, context in
            let parameters = AdminAPIRoutes.query(request)
            let today = console.venue.dayText(Date())
            let from = parameters["from"].flatMap { $0.isEmpty ? nil : $0 } ?? String(today.prefix(8)) + "01"
            let to = parameters["to"].flatMap { $0.isEmpty ? nil : $0 } ?? today
            let grouping = RevenueGrouping(rawValue: parameters["by"] ?? "day") ?? .day
            var lines: [RevenueLine] = []
            var failure: ConsoleError?
            do throws(ConsoleError) {
                lines = try await console.dashboard.revenue(from: from, to: to, by: grouping)
            } catch {
                failure = error
            }
            let total = lines.reduce(RevenueLine(key: "", sales: 0, gross: .zero, refunded: .zero)) {
                RevenueLine(
                    key: "", sales: $0.sales + $1.sales, gross: $0.gross + $1.gross, refunded: $0.refunded + $1.refunded
                )
            }
            func row(_ line: RevenueLine) -> [String: Any] {
                [
                    "key": line.key, "sales": line.sales, "gross": money(line.gross, request),
                    "refunded": money(line.refunded, request), "net": money(line.net, request),
                ]
            }
            let values: [String: Any] = [
                "from": from, "to": to, "groupLabel": text("by_\(grouping.rawValue)", request),
                "groupings": RevenueGrouping.allCases.map {
                    ["value": $0.rawValue, "label": text("by_\($0.rawValue)", request), "selected": $0 == grouping]
                },
                "lines": lines.map(row), "total": row(total),
            ]
            return page(
                "revenue", request, context, nav: "revenue", title: text("navRevenue", request), values: values,
                status: failure.map { AdminResponses.status(for: $0) } ?? .ok, error: failure)
        }
        admin.get("audit") { request, context in
            let parameters = AdminAPIRoutes.query(request)
            let kind = parameters["kind"] ?? ""
            do throws(ConsoleError) {
                let events = try await console.dashboard.audit(
                    before: parameters["before"].flatMap { Int64($0) }, kind: kind, limit: 100)
                var values: [String: Any] = [
                    "kind": kind,
                    "events": events.map { event in
                        [
                            "sequence": event.sequence.map(String.init) ?? "",
                            "at": console.venue.text(event.at, seconds: true),
                            "kind": event.kind.rawValue, "actor": event.actor,
                            "amount": event.amount.map { money($0, request) } ?? "", "detail": event.detail,
                            "transaction": event.transactionID ?? "",
                        ]
                    },
                ]
                if events.count == 100, let last = events.last?.sequence {
                    values["older"] = "/admin/audit?before=\(last)&kind=\(FormURLEncoding.encode(kind))"
                }
                return page("audit", request, context, nav: "audit", title: text("navAudit", request), values: values)
            } catch { return failure(error, request, context) }
        }
    }

    func saleRow(_ sale: Transaction, _ request: Request) -> [String: Any] {
        [
            "id": sale.id, "order": sale.orderCode.description, "status": sale.status.rawValue,
            "statusText": text("status_\(sale.status.rawValue)", request), "plan": sale.planID,
            "amount": money(sale.amount, request), "provider": sale.provider.rawValue, "mac": sale.mac.description,
            "router": sale.routerID, "created": time(sale.createdAt), "expires": time(sale.expiresAt),
        ]
    }

    func unappliedRow(_ money: UnappliedPayment, _ request: Request) -> [String: Any] {
        [
            "id": money.id, "received": time(money.receivedAt), "transaction": money.transactionID,
            "provider": money.provider.rawValue, "reference": money.providerReference,
            "amount": self.money(money.amount, request), "kind": text("unapplied_\(money.kind.rawValue)", request),
            "detail": money.detail, "canGrant": money.kind != .duplicate,
            "refundSent": money.refundRequestedAt.map(time) ?? "",
        ]
    }

    func jobRow(_ job: UnlockJob) -> [String: Any] {
        [
            "created": time(job.createdAt), "updated": time(job.updatedAt), "mac": job.mac.description,
            "router": job.routerID, "action": job.action.rawValue, "status": job.status.rawValue,
            "attempts": job.attempts, "lastError": job.lastError ?? "", "transaction": job.transactionID ?? "",
        ]
    }

    func salesPage(
        _ request: Request, _ context: PortalRequestContext, parameters: [String: String], query: SalesQuery,
        found: (sales: [Transaction], total: Int), error: ConsoleError?
    ) -> Response {
        let kept = parameters.filter { $0.key != "page" && $0.key != "lang" && $0.key != "ok" && !$0.value.isEmpty }
            .sorted { $0.key < $1.key }
        let queryString = kept.map { "\(FormURLEncoding.encode($0.key))=\(FormURLEncoding.encode($0.value))" }
            .joined(separator: "&")
        func pageLink(_ number: Int) -> String {
            "/admin/sales?" + (queryString.isEmpty ? "" : queryString + "&") + "page=\(number)"
        }
        let values: [String: Any] = [
            "query": parameters, "queryString": queryString, "total": found.total,
            "statuses": TransactionStatus.allCases.map {
                [
                    "value": $0.rawValue, "label": text("status_\($0.rawValue)", request),
                    "selected": parameters["status"] == $0.rawValue,
                ]
            },
            "sales": found.sales.map { saleRow($0, request) },
            "previous": query.page > 1 ? pageLink(query.page - 1) : false,
            "nextPage": query.page * query.perPage < found.total ? pageLink(query.page + 1) : false,
        ]
        return page(
            "sales", request, context, nav: "sales", title: text("navSales", request), values: values,
            status: error.map { AdminResponses.status(for: $0) } ?? .ok, error: error)
    }

    /// Live sessions, active access, and the counter's cash-sale form (`form` echoes what the
    /// cashier typed when the sale was refused).
    func devicesPage(
        _ request: Request, _ context: PortalRequestContext, form: [String: String], error: ConsoleError?
    ) async -> Response {
        do throws(ConsoleError) {
            let sessions = try await console.dashboard.liveSessions(limit: 500)
            let grants = try await console.grants.active(limit: 500)
            let now = Date()
            let plans = try await console.plans.plans(includeInactive: false)
            let routers = try await console.routers.routers()
            let values: [String: Any] = [
                "cashPlans": plans.map { plan in
                    [
                        "id": plan.id, "label": "\(plan.name[Self.language(request)]) · \(money(plan.price, request))",
                        "selected": form["plan"] == plan.id,
                    ] as [String: Any]
                },
                "cashRouters": routers.map { ["id": $0.id, "selected": form["router"] == $0.id] as [String: Any] },
                "manyRouters": routers.count > 1, "cashDevice": form["device"] ?? "",
                // The sale was refused for a device never seen: the form asks the cashier to confirm.
                "askConfirmUnseen": Self.refusedAsUnseen(error),
                "ownSales": try await ownSales(request, context),
                "sessionCount": sessions.count, "grantCount": grants.count,
                "sessions": sessions.map { session in
                    [
                        "mac": session.mac.description, "ip": session.framedIP?.description ?? "",
                        "router": session.routerID, "started": time(session.startedAt),
                        "updated": time(session.updatedAt),
                        "used": ByteCount.format(session.inputBytes + session.outputBytes),
                    ]
                },
                "grants": grants.map { grant in
                    [
                        "mac": grant.mac.description,
                        "left": DurationText.format(seconds: grant.secondsLeft(at: now)),
                        "until": time(grant.validUntil),
                        "data": grant.dataRemainingBytes.map(ByteCount.format) ?? text("unlimited", request),
                        "speed": grant.rateLimit?.summary ?? text("routerDefault", request),
                        "transaction": grant.transactionIDs.last ?? "",
                    ]
                },
            ]
            return page(
                "devices", request, context, nav: "devices", title: text("navDevices", request), values: values,
                status: error.map { AdminResponses.status(for: $0) } ?? .ok, error: error)
        } catch { return failure(error, request, context) }
    }

    /// Whether a cash sale was refused only for want of the cashier's confirmation (a device the
    /// venue has never seen).
    static func refusedAsUnseen(_ error: ConsoleError?) -> Bool {
        guard case .invalid(let problems)? = error else { return false }
        return problems.contains { $0.field == "device" && $0.message.contains("confirm_unseen") }
    }

    /// A button on a sale (or on the dashboard's stuck list): do it, then back to where the
    /// operator was (`back=dashboard`) or the sale's page, with the outcome or the error.
    func saleAction(
        _ request: Request, _ context: PortalRequestContext, flash: String,
        _ body: (String, String) async throws(ConsoleError) -> Void
    ) async -> Response {
        let form = await Self.form(request)
        let id = context.parameters.get("id") ?? ""
        do throws(ConsoleError) {
            try await body(id, AdminAPIRoutes.actor(context))
            return Self.redirect(form["back"] == "dashboard" ? "/admin?ok=\(flash)" : "/admin/sales/\(id)?ok=\(flash)")
        } catch {
            guard let detail = try? await console.sales.sale(id: id) else { return failure(error, request, context) }
            return salePage(request, context, detail, error: error)
        }
    }

    func salePage(_ request: Request, _ context: PortalRequestContext, _ detail: SaleDetail, error: ConsoleError?)
        -> Response
    {
        let sale = detail.transaction
        let now = Date()
        var values: [String: Any] = [
            "sale": [
                "id": sale.id, "order": sale.orderCode.description, "status": sale.status.rawValue,
                "statusText": text("status_\(sale.status.rawValue)", request),
                "amount": money(sale.amount, request), "provider": sale.provider.rawValue,
                "reference": sale.providerReference ?? "",
                "plan": detail.plan.map { "\($0.name[Self.language(request)]) (\($0.id))" } ?? sale.planID,
                "router": sale.routerID, "mac": sale.mac.description, "ip": sale.clientIP?.description ?? "",
            ],
            "timeline": detail.timeline.map { entry in
                [
                    "at": console.venue.text(entry.at, seconds: true), "label": text("step_\(entry.step)", request),
                    "detail": entry.detail, "actor": entry.actor,
                ]
            },
            "refunds": detail.refunds.map { refund -> [String: Any] in
                [
                    "id": refund.id, "created": time(refund.createdAt), "amount": money(refund.amount, request),
                    "status": text("refund_\(refund.status.rawValue)", request), "reason": refund.reason,
                    "actor": refund.actor, "reference": refund.providerReference ?? "",
                    "failure": refund.failure ?? "", "note": refund.note ?? "",
                    "checking": refund.status == .requested,
                ]
            },
            "canRefund": detail.refundable.dong > 0, "refundable": "\(detail.refundable.dong)",
            "canRecheck": sale.status != .refunded,
            "canResendUnlock": sale.status == .paid && detail.grant?.status == .active,
        ]
        if let grant = detail.grant {
            values["grant"] = [
                "id": grant.id, "active": grant.status == .active,
                "statusText": text("grant_\(grant.status.rawValue)", request),
                "left": DurationText.format(seconds: grant.status == .active ? grant.secondsLeft(at: now) : 0),
                "until": time(grant.validUntil), "data": grant.dataRemainingBytes.map(ByteCount.format) ?? "",
            ]
        }
        return page(
            "sale", request, context, nav: "sales", title: "\(text("saleHeading", request)) \(sale.orderCode)",
            values: values, status: error.map { AdminResponses.status(for: $0) } ?? .ok, error: error)
    }
}

extension AdminWebRoutes {
    /// "You sold today: 3 · 30.000 ₫" on the counter's page: the operator's own cash sales.
    func ownSales(_ request: Request, _ context: PortalRequestContext) async throws(ConsoleError) -> [String: Any] {
        let actor = AdminAPIRoutes.actor(context)
        let (count, total) = try await console.dashboard.ownSalesToday(actor: actor)
        return ["count": count, "total": money(total, request)]
    }
}
