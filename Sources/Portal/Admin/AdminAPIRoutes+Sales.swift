import Console
import Foundation
import HotspotPayCore
import Hummingbird
import Store

extension AdminAPIRoutes {
    struct RefundBody: Decodable {
        var amount: String?
        var reason: String
        var revokeAccess: Bool?
        enum CodingKeys: CodingKey { case amount, reason, revokeAccess }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            amount = try FlexibleAmount.decode(container, .amount)
            reason = try container.decode(String.self, forKey: .reason)
            revokeAccess = try container.decodeIfPresent(Bool.self, forKey: .revokeAccess)
        }
    }

    struct ExtendBody: Decodable {
        var duration: String
        var data: String?
        var reason: String
    }

    struct ReasonBody: Decodable { var reason: String }
    /// A cash sale at the counter: the plan, the device's code (or MAC), the router if not obvious.
    struct CashSaleBody: Decodable {
        var plan: String
        var device: String
        var router: String?
        /// The cashier checked a device the venue has never seen: sell to it anyway.
        var confirmUnseen: Bool?
    }
    /// Access sold by another system, under its reference.
    struct ExternalSaleBody: Decodable {
        var plan: String
        var device: String
        var router: String?
        var reference: String
    }

    struct UnappliedBody: Decodable {
        var action: String
        var note: String
    }

    struct RefundResolveBody: Decodable {
        var succeeded: Bool
        var providerReference: String?
        var note: String
    }

    func registerSales(on api: RouterGroup<PortalRequestContext>) {
        let console = self.console
        api.get("dashboard") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                AdminResponses.json(AdminJSON.DashboardJSON(try await console.dashboard.summary()))
            }
        }
        api.get("transactions") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let query = try SalesQuery(parameters: Self.query(request), venue: console.venue)
                let found = try await console.sales.search(query)
                return AdminResponses.json(
                    AdminJSON.SalePage(
                        sales: found.sales.map(AdminJSON.SaleJSON.init), total: found.total, page: query.page,
                        perPage: query.perPage))
            }
        }
        api.get("transactions.csv") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let query = try SalesQuery(parameters: Self.query(request), venue: console.venue)
                let csv = try await console.sales.csv(query)
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                        .contentDisposition: "attachment; filename=\"hotspotpay-sales.csv\"",
                    ], body: ResponseBody(byteBuffer: ByteBuffer(string: csv)))
            }
        }
        api.get("transactions/{id}") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                AdminResponses.json(
                    AdminJSON.SaleDetailJSON(try await console.sales.sale(id: try Self.parameter(context, "id"))))
            }
        }
        api.post("transactions/{id}/refund") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let body = try await Self.decode(RefundBody.self, request)
                let sale = try await console.sales.sale(id: try Self.parameter(context, "id"))
                let outcome = try await console.refunds.refund(
                    transactionID: sale.transaction.id, amount: body.amount, reason: body.reason,
                    revokeAccess: body.revokeAccess ?? true, actor: Self.actor(context))
                context.logger.notice(
                    "refund by operator",
                    metadata: ["order": "\(sale.transaction.orderCode)", "actor": "\(Self.actor(context))"])
                // 202: sent, but the provider left the outcome unknown; the refund is being checked.
                return AdminResponses.json(
                    AdminJSON.SaleDetailJSON(try await console.sales.sale(id: outcome.transaction.id)),
                    status: outcome.refund.status == .requested ? .accepted : .created)
            }
        }
        api.post("cash-sales") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let body = try await Self.decode(CashSaleBody.self, request)
                let sold = try await console.saleDesk.sellForCash(
                    planID: body.plan, device: body.device, routerID: body.router,
                    confirmUnseen: body.confirmUnseen ?? false, actor: Self.actor(context))
                return AdminResponses.json(
                    AdminJSON.SaleDetailJSON(try await console.sales.sale(id: sold.id)), status: .created)
            }
        }
        api.post("external-sales") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let body = try await Self.decode(ExternalSaleBody.self, request)
                let (sale, created) = try await console.saleDesk.sell(
                    planID: body.plan, device: body.device, routerID: body.router,
                    payment: .external(reference: body.reference), actor: Self.actor(context))
                return AdminResponses.json(
                    AdminJSON.SaleDetailJSON(try await console.sales.sale(id: sale.id)),
                    status: created ? .created : .ok)
            }
        }
        api.post("transactions/{id}/recheck") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let recheck = try await console.saleDesk.recheck(
                    transactionID: try Self.parameter(context, "id"), actor: Self.actor(context))
                return AdminResponses.json(AdminJSON.RecheckJSON(recheck))
            }
        }
        api.post("transactions/{id}/unlock") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let job = try await console.saleDesk.resendUnlock(
                    transactionID: try Self.parameter(context, "id"), actor: Self.actor(context))
                return AdminResponses.json(AdminJSON.UnlockJobJSON(job), status: .accepted)
            }
        }
        api.post("refunds/{id}/check") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                AdminResponses.json(
                    AdminJSON.RefundJSON(
                        try await console.refunds.check(
                            refundID: try Self.parameter(context, "id"), actor: Self.actor(context))))
            }
        }
        api.post("refunds/{id}/resolve") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let body = try await Self.decode(RefundResolveBody.self, request)
                return AdminResponses.json(
                    AdminJSON.RefundJSON(
                        try await console.refunds.resolve(
                            refundID: try Self.parameter(context, "id"), succeeded: body.succeeded,
                            providerReference: body.providerReference, note: body.note, actor: Self.actor(context))))
            }
        }
        api.get("unapplied-payments") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let open: Bool
                switch Self.query(request)["open"] {
                case nil, "true": open = true
                case "false": open = false
                case let other?:
                    throw .invalid([.init(field: "open", message: "true or false, not '\(other.prefix(40))'")])
                }
                return AdminResponses.json(try await console.unapplied.list(open: open).map(UnappliedPaymentJSON.init))
            }
        }
        api.post("unapplied-payments/{id}/resolve") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let body = try await Self.decode(UnappliedBody.self, request)
                guard let action = UnappliedMoneyDesk.Action(rawValue: body.action) else {
                    throw .invalid([
                        .init(
                            field: "action",
                            message:
                                "one of \(UnappliedMoneyDesk.Action.allCases.map(\.rawValue).joined(separator: ", "))")
                    ])
                }
                return AdminResponses.json(
                    UnappliedPaymentJSON(
                        try await console.unapplied.resolve(
                            id: try Self.parameter(context, "id"), action: action, note: body.note,
                            actor: Self.actor(context))))
            }
        }
        api.get("grants") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let query = Self.query(request)
                let grants = try await console.grants.active(
                    limit: try Self.integer(query, "limit", default: 100, in: 1...1000),
                    offset: try Self.integer(query, "offset", default: 0, in: 0...Int(Int32.max)))
                return AdminResponses.json(grants.map { GrantJSON($0) })
            }
        }
        api.post("grants/{id}/extend") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let body = try await Self.decode(ExtendBody.self, request)
                let grant = try await console.grants.extend(
                    id: try Self.parameter(context, "id"), by: body.duration, data: body.data, reason: body.reason,
                    actor: Self.actor(context))
                return AdminResponses.json(GrantJSON(grant))
            }
        }
        api.post("grants/{id}/revoke") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let body = try await Self.decode(ReasonBody.self, request)
                let grant = try await console.grants.revoke(
                    id: try Self.parameter(context, "id"), reason: body.reason, actor: Self.actor(context))
                return AdminResponses.json(GrantJSON(grant))
            }
        }
        api.get("sessions") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let limit = try Self.integer(Self.query(request), "limit", default: 200, in: 1...5000)
                return AdminResponses.json(
                    try await console.dashboard.liveSessions(limit: limit).map(AdminJSON.SessionJSON.init))
            }
        }
        api.get("revenue") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let query = Self.query(request)
                let today = console.venue.dayText(Date())
                guard let grouping = RevenueGrouping(rawValue: query["by"] ?? "day") else {
                    throw .invalid([.init(field: "by", message: "one of day, plan, provider, router")])
                }
                let lines = try await console.dashboard.revenue(
                    from: query["from"] ?? today, to: query["to"] ?? today, by: grouping)
                return AdminResponses.json(lines.map(AdminJSON.RevenueJSON.init))
            }
        }
        api.get("audit") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let query = Self.query(request)
                let before = try query["before"].map { _ throws(ConsoleError) in
                    Int64(try Self.integer(query, "before", default: 0, in: 0...Int.max))
                }
                let events = try await console.dashboard.audit(
                    before: before, kind: query["kind"],
                    limit: try Self.integer(query, "limit", default: 100, in: 1...1000))
                return AdminResponses.json(events.map(AdminJSON.AuditJSON.init))
            }
        }
    }
}

/// A refund amount as JSON may write it: `20000` or `"20k"`.
enum FlexibleAmount {
    static func decode<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> String? {
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        if let text = try? container.decode(String.self, forKey: key) { return text }
        return "\(try container.decode(Int64.self, forKey: key))"
    }
}
