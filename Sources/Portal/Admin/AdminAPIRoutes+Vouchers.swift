import Console
import Foundation
import HotspotPayCore
import Hummingbird

extension AdminAPIRoutes {
    /// A batch as asked for: plan, count, valid-until (a venue day or ISO 8601), price (empty:
    /// the plan's), devices per code (1), note.
    struct NewBatch: Decodable {
        var plan: String
        var count: Int
        var validUntil: String
        var price: String?
        var devicesPerCode: Int?
        var note: String?
        enum CodingKeys: CodingKey { case plan, count, validUntil, price, devicesPerCode, note }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            plan = try container.decode(String.self, forKey: .plan)
            count = try container.decode(Int.self, forKey: .count)
            validUntil = try container.decode(String.self, forKey: .validUntil)
            price = try FlexibleAmount.decode(container, .price)
            devicesPerCode = try container.decodeIfPresent(Int.self, forKey: .devicesPerCode)
            note = try container.decodeIfPresent(String.self, forKey: .note)
        }
    }

    func registerVouchers(on api: RouterGroup<PortalRequestContext>) {
        let console = self.console
        api.get("voucher-batches") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                AdminResponses.json(try await console.vouchers.batches().map { VoucherBatchJSON($0) })
            }
        }
        api.post("voucher-batches") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let body = try await Self.decode(NewBatch.self, request)
                let (batch, codes) = try await console.vouchers.make(
                    .init(
                        plan: body.plan, count: body.count, validUntil: body.validUntil, price: body.price ?? "",
                        devicesPerCode: body.devicesPerCode ?? 1, note: body.note ?? ""),
                    actor: Self.actor(context))
                return AdminResponses.json(VoucherBatchJSON(batch, vouchers: codes), status: .created)
            }
        }
        api.get("voucher-batches/{id}") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let (batch, codes) = try await console.vouchers.batch(id: try Self.parameter(context, "id"))
                return AdminResponses.json(VoucherBatchJSON(batch, vouchers: codes))
            }
        }
        api.get("voucher-batches/{id}/codes.csv") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let id = try Self.parameter(context, "id")
                let csv = try await console.vouchers.csv(id: id)
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                        .contentDisposition: "attachment; filename=\"vouchers-\(id.prefix(8)).csv\"",
                    ], body: ResponseBody(byteBuffer: ByteBuffer(string: csv)))
            }
        }
        api.post("voucher-batches/{id}/revoke") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                AdminResponses.json(
                    VoucherBatchJSON(
                        try await console.vouchers.revoke(
                            id: try Self.parameter(context, "id"), actor: Self.actor(context))))
            }
        }
    }
}

extension AdminAPIRoutes.NewBatch: NullRefusingBody {
    static var fieldNames: Set<String> { ["plan", "count", "valid_until", "price", "devices_per_code", "note"] }
}
