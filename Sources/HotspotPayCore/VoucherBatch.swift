import struct Foundation.Date

/// Vouchers made together for one plan: printed, sold or given away at the counter, each code
/// redeemed on the portal's plans page through the same exactly-once path as a payment.
public struct VoucherBatch: Hashable, Sendable, Identifiable {
    public var id: String
    public var planID: String
    public var count: Int
    /// No code of the batch redeems after this moment.
    public var validUntil: Date
    /// What one voucher sells for, counted as revenue (provider `voucher`) when it is redeemed.
    public var price: Money
    /// How many devices one code may unlock (1 for a personal voucher, more for a family or a room).
    public var devicesPerCode: Int
    public var note: String
    public var createdAt: Date
    public var createdBy: String
    /// Revoked batches redeem no more codes; access already given stays.
    public var revokedAt: Date?

    public init(
        id: String, planID: String, count: Int, validUntil: Date, price: Money, devicesPerCode: Int = 1,
        note: String = "", createdAt: Date, createdBy: String, revokedAt: Date? = nil
    ) {
        self.id = id
        self.planID = planID
        self.count = count
        self.validUntil = validUntil
        self.price = price
        self.devicesPerCode = devicesPerCode
        self.note = note
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.revokedAt = revokedAt
    }

    /// Everything wrong with the batch as asked for, empty when it can be made.
    public func problems(now: Date) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if !(1...1000).contains(count) {
            problems.append(.init(field: "count", message: "1 to 1,000 vouchers a batch"))
        }
        if validUntil <= now { problems.append(.init(field: "valid_until", message: "a moment in the future")) }
        if price.dong < 0 { problems.append(.init(field: "price", message: "zero (given away) or more")) }
        if !(1...50).contains(devicesPerCode) {
            problems.append(.init(field: "devices_per_code", message: "1 to 50 devices per code"))
        }
        if note.count > 200 { problems.append(.init(field: "note", message: "at most 200 characters")) }
        return problems
    }
}

extension VoucherBatch {
    /// The sale a redeemed code makes: a voucher purchase of the batch's plan at the batch's price
    /// (confirmed at once by the store, through the same path as a payment).
    public func sale<G: RandomNumberGenerator>(
        plan: Plan, mac: MACAddress, clientIP: IPAddress?, routerID: String, at: Date, using generator: inout G
    ) -> Transaction {
        var sale = Transaction.pending(
            plan: plan, mac: mac, clientIP: clientIP, routerID: routerID, provider: .voucher, now: at,
            paymentWindowSeconds: 60, using: &generator)
        sale.amount = price
        return sale
    }
}
