import Console
import Foundation
import HotspotPayCore
import Hummingbird
import QR

extension AdminWebRoutes {
    func registerVouchers(on admin: RouterGroup<PortalRequestContext>) {
        admin.get("vouchers") { request, context in
            await vouchersPage(request, context, form: [:], error: nil)
        }
        admin.post("vouchers") { request, context in
            let form = await Self.form(request)
            do throws(ConsoleError) {
                let (batch, _) = try await console.vouchers.make(
                    .init(
                        plan: form["plan"] ?? "", count: Int(form["count"] ?? "") ?? 0,
                        validUntil: form["valid_until"] ?? "", price: form["price"] ?? "",
                        devicesPerCode: Int(form["devices_per_code"] ?? "") ?? 0, note: form["note"] ?? ""),
                    actor: AdminAPIRoutes.actor(context))
                return Self.redirect("/admin/vouchers/\(batch.id)?ok=vouchersMade")
            } catch { return await vouchersPage(request, context, form: form, error: error) }
        }
        admin.get("vouchers/{id}") { request, context in
            do throws(ConsoleError) {
                let (batch, codes) = try await console.vouchers.batch(id: try AdminAPIRoutes.parameter(context, "id"))
                return try await sheet(request, context, batch, codes)
            } catch { return failure(error, request, context) }
        }
        admin.get("vouchers/{id}/codes.csv") { _, context in
            do throws(ConsoleError) {
                let id = try AdminAPIRoutes.parameter(context, "id")
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                        .contentDisposition: "attachment; filename=\"vouchers-\(id.prefix(8)).csv\"",
                    ], body: ResponseBody(byteBuffer: ByteBuffer(string: try await console.vouchers.csv(id: id))))
            } catch {
                return AdminResponses.error(status: AdminResponses.status(for: error), api: false, message: "\(error)")
            }
        }
        admin.post("vouchers/{id}/revoke") { request, context in
            do throws(ConsoleError) {
                let id = try AdminAPIRoutes.parameter(context, "id")
                _ = try await console.vouchers.revoke(id: id, actor: AdminAPIRoutes.actor(context))
                return Self.redirect("/admin/vouchers/\(id)?ok=vouchersRevoked")
            } catch { return failure(error, request, context) }
        }
    }

    func vouchersPage(
        _ request: Request, _ context: PortalRequestContext, form: [String: String], error: ConsoleError?
    ) async -> Response {
        let batches = (try? await console.vouchers.batches()) ?? []
        let plans = (try? await console.plans.plans(includeInactive: false)) ?? []
        let values: [String: Any] = [
            "batches": batches.map { batch in
                [
                    "id": batch.id, "plan": batch.planID, "count": batch.count, "price": money(batch.price, request),
                    "validUntil": time(batch.validUntil), "note": batch.note, "revoked": batch.revokedAt != nil,
                    "created": time(batch.createdAt), "by": batch.createdBy,
                ] as [String: Any]
            },
            "plans": plans.map { plan in
                [
                    "id": plan.id, "label": "\(plan.name[Self.language(request)]) · \(money(plan.price, request))",
                    "selected": form["plan"] == plan.id,
                ] as [String: Any]
            },
            "count": form["count"] ?? "20", "devices": form["devices_per_code"] ?? "1", "price": form["price"] ?? "",
            "note": form["note"] ?? "",
            "validUntil": form["valid_until"] ?? console.venue.dayText(Date().addingTimeInterval(30 * 86_400)),
        ]
        return page(
            "vouchers", request, context, nav: "vouchers", title: text("navVouchers", request), values: values,
            status: error.map { AdminResponses.status(for: $0) } ?? .ok, error: error)
    }

    /// The batch as an A4 sheet of cards (print CSS): code, plan, validity and a QR that opens the
    /// portal with the code filled in.
    func sheet(
        _ request: Request, _ context: PortalRequestContext, _ batch: VoucherBatch, _ codes: [Voucher]
    ) async throws(ConsoleError) -> Response {
        let language = Self.language(request)
        let plan = try? await console.plans.plan(id: batch.planID)
        let portal = portalURL(request)
        var cards: [[String: Any]] = []
        for voucher in codes {
            let link = "\(portal)/?code=\(voucher.code.value)"
            let qr = (try? QRCode(link, correction: .medium))?.svg(title: voucher.code.description) ?? ""
            cards.append([
                "code": voucher.code.description, "qr": qr, "used": voucher.redemptions,
                "spent": voucher.redemptions >= batch.devicesPerCode,
            ])
        }
        let values: [String: Any] = [
            "batch": [
                "id": batch.id, "plan": plan.map { $0.name[language] } ?? batch.planID,
                "price": money(batch.price, request), "validUntil": console.venue.dayText(batch.validUntil),
                "devices": batch.devicesPerCode, "many": batch.devicesPerCode > 1, "note": batch.note,
                "revoked": batch.revokedAt != nil,
            ],
            "cards": cards, "portal": portal,
        ]
        return page(
            "voucher_sheet", request, context, nav: "vouchers", title: text("navVouchers", request), values: values)
    }

    /// Where guests reach the portal, for the cards' QR codes.
    func portalURL(_ request: Request) -> String {
        if let publicURL, !publicURL.isEmpty { return publicURL }
        return "http://" + (request.head.authority ?? "127.0.0.1")
    }
}
