import struct Foundation.Date

/// A device's paid access: until when, how fast, how much data is left, and which purchases
/// paid for it. A device has at most one active grant; buying again extends it.
public struct Grant: Hashable, Sendable, Identifiable {
    public var id: String
    public var mac: MACAddress
    public var status: GrantStatus
    public var startsAt: Date
    public var validUntil: Date
    public var rateLimit: RateLimit?
    /// Data left in bytes, or nil for unlimited.
    public var dataRemainingBytes: Int64?
    /// The transactions that paid for this grant, oldest first.
    public var transactionIDs: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, mac: MACAddress, status: GrantStatus, startsAt: Date, validUntil: Date, rateLimit: RateLimit?,
        dataRemainingBytes: Int64?, transactionIDs: [String], createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.mac = mac
        self.status = status
        self.startsAt = startsAt
        self.validUntil = validUntil
        self.rateLimit = rateLimit
        self.dataRemainingBytes = dataRemainingBytes
        self.transactionIDs = transactionIDs
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The grant a first purchase creates. Time starts when the payment is confirmed, not when
    /// the guest opened the portal, so a slow bank transfer costs the guest nothing.
    public static func start(id: String, transaction: Transaction, plan: Plan, now: Date) -> Grant {
        Grant(
            id: id, mac: transaction.mac, status: .active, startsAt: now,
            validUntil: now.addingTimeInterval(Double(plan.durationSeconds)), rateLimit: plan.rateLimit,
            dataRemainingBytes: plan.dataCapBytes, transactionIDs: [transaction.id], createdAt: now, updatedAt: now)
    }

    /// This grant after another purchase: time is added after what is left, data caps add up
    /// (an unlimited plan makes it unlimited), and the newest plan's speed applies.
    public func extended(by transaction: Transaction, plan: Plan, now: Date) throws(TransitionError) -> Grant {
        var next = self
        next.status = try status.applying(.extend)
        let base = max(validUntil, now)
        next.validUntil = base.addingTimeInterval(Double(plan.durationSeconds))
        next.dataRemainingBytes =
            switch (dataRemainingBytes, plan.dataCapBytes) {
            case (let left?, let cap?): max(left, 0) + cap
            default: nil
            }
        next.rateLimit = plan.rateLimit ?? rateLimit
        next.transactionIDs.append(transaction.id)
        next.updatedAt = now
        return next
    }

    /// Whole seconds of access left at `now` (0 once over).
    public func secondsLeft(at now: Date) -> Int64 {
        max(0, Int64(validUntil.timeIntervalSince(now).rounded(.down)))
    }

    /// True when time or data has run out.
    public func isExhausted(at now: Date) -> Bool {
        secondsLeft(at: now) == 0 || (dataRemainingBytes.map { $0 <= 0 } ?? false)
    }

    /// When the portal offers a top-up first: a quarter of an hour or 200 MB left (as the routers'
    /// interim accounting last reported the data). Buying then extends this same grant.
    public func isRunningLow(at now: Date) -> Bool {
        !isExhausted(at: now)
            && (secondsLeft(at: now) <= Self.lowSeconds || (dataRemainingBytes.map { $0 <= Self.lowBytes } ?? false))
    }

    public static let lowSeconds: Int64 = 15 * 60
    public static let lowBytes: Int64 = 200_000_000

    /// The grant after `event` (end, revoke) at `now`.
    public func applying(_ event: GrantStatus.Event, at now: Date) throws(TransitionError) -> Grant {
        var next = self
        next.status = try status.applying(event)
        next.updatedAt = now
        return next
    }
}

extension Grant {
    /// More time (and data, for a capped pass) given by an operator: from the pass's end, or
    /// from now when it has run out.
    public func extendedByOperator(seconds: Int64, dataBytes: Int64?, at: Date) throws(TransitionError) -> Grant {
        var grant = self
        grant.status = try status.applying(.extend)
        grant.validUntil = max(validUntil, at).addingTimeInterval(Double(seconds))
        if let dataBytes, let left = dataRemainingBytes { grant.dataRemainingBytes = max(left, 0) + dataBytes }
        grant.updatedAt = at
        return grant
    }
}
