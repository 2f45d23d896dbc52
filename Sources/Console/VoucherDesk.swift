import Foundation
import HotspotPayCore
import Store

/// Voucher batches at the counter: make one (plan, count, valid-until, price, note, devices per
/// code), list them, print or export their codes, withdraw a batch. Redeeming a code is the
/// guest's side (`Checkout.VoucherRedeemer`).
public struct VoucherDesk: Sendable {
    public typealias Stores = VoucherStore & PlanStore
    let store: any Stores
    let venue: VenueTime
    let clock: @Sendable () -> Date

    public init(store: any Stores, venue: VenueTime = VenueTime(), clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.venue = venue
        self.clock = clock
    }

    /// A batch as asked for in a form, CLI options or JSON; text fields take the console's formats.
    public struct Request: Sendable, Hashable {
        public var plan: String
        public var count: Int
        /// A venue day (`2027-01-31`, valid through its end) or an ISO 8601 moment.
        public var validUntil: String
        /// The price of one voucher (`10000`, `10k`); empty: the plan's price.
        public var price: String
        public var devicesPerCode: Int
        public var note: String

        public init(
            plan: String, count: Int, validUntil: String, price: String = "", devicesPerCode: Int = 1, note: String = ""
        ) {
            self.plan = plan
            self.count = count
            self.validUntil = validUntil
            self.price = price
            self.devicesPerCode = devicesPerCode
            self.note = note
        }
    }

    public func make(_ request: Request, actor: String) async throws(ConsoleError) -> (VoucherBatch, [Voucher]) {
        var problems: [ValidationProblem] = []
        let plan = try await ConsoleError.wrap { try await store.plan(id: request.plan) }
        if plan == nil { problems.append(.init(field: "plan", message: "no plan '\(request.plan)'")) }
        var validUntil = Date.distantPast
        do throws(ConsoleError) { validUntil = try until(request.validUntil) } catch {
            if case .invalid(let found) = error { problems += found }
        }
        var price = plan?.price ?? .zero
        let priceText = request.price.trimmingCharacters(in: .whitespaces)
        if !priceText.isEmpty {
            do throws(Money.ParseError) { price = try Money(parsing: priceText) } catch {
                problems.append(.init(field: "price", message: error.description))
            }
        }
        var generator = SystemRandomNumberGenerator()
        let now = clock()
        let batch = VoucherBatch(
            id: EntityID.random(using: &generator), planID: request.plan, count: request.count, validUntil: validUntil,
            price: price, devicesPerCode: request.devicesPerCode,
            note: request.note.trimmingCharacters(in: .whitespacesAndNewlines), createdAt: now, createdBy: actor)
        problems += batch.problems(now: now).filter { problem in !problems.contains { $0.field == problem.field } }
        guard problems.isEmpty else { throw .invalid(problems) }
        // 2⁵⁹ codes: a collision with a stored code is all but impossible; the unique key decides.
        for _ in 0..<3 {
            var codes = Set<VoucherCode>()
            while codes.count < batch.count { codes.insert(.random(using: &generator)) }
            let ordered = Array(codes)
            do {
                try await store.addVoucherBatch(batch, codes: ordered, actor: actor)
                return (batch, ordered.map { Voucher(code: $0, batchID: batch.id) })
            } catch {
                guard case .duplicate = error else { throw ConsoleError.from(error) }
            }
        }
        throw .conflict("could not draw unused voucher codes three times in a row")
    }

    public func batches() async throws(ConsoleError) -> [VoucherBatch] {
        try await ConsoleError.wrap { try await store.voucherBatches() }
    }

    public func batch(id: String) async throws(ConsoleError) -> (VoucherBatch, [Voucher]) {
        guard let batch = try await ConsoleError.wrap({ try await store.voucherBatch(id: id) }) else {
            throw .notFound(entity: "voucher batch", id: id)
        }
        return (batch, try await ConsoleError.wrap { try await store.vouchers(batchID: id) })
    }

    public func revoke(id: String, actor: String) async throws(ConsoleError) -> VoucherBatch {
        try await ConsoleError.wrap { try await store.revokeVoucherBatch(id: id, at: clock(), actor: actor) }
    }

    /// One line per code: `code,plan,price,valid_until,devices,used,note`, for a print shop or a
    /// spreadsheet.
    public func csv(id: String) async throws(ConsoleError) -> String {
        let (batch, vouchers) = try await self.batch(id: id)
        var lines = ["code,plan,price_vnd,valid_until,devices_per_code,used,note"]
        let note = "\"" + batch.note.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        for voucher in vouchers {
            lines.append(
                [
                    voucher.code.description, batch.planID, "\(batch.price.dong)", venue.text(batch.validUntil),
                    "\(batch.devicesPerCode)", "\(voucher.redemptions)", note,
                ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A venue day (valid through its last second) or an ISO 8601 moment.
    func until(_ text: String) throws(ConsoleError) -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.count == 10 { return try venue.day(trimmed, field: "valid_until").addingTimeInterval(86_400 - 1) }
        if let moment = ISO8601DateFormatter().date(from: trimmed) { return moment }
        throw .invalid([.init(field: "valid_until", message: "a venue day as YYYY-MM-DD or an ISO 8601 time")])
    }
}
