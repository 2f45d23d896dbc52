import struct Foundation.Date

/// One attempt by a device to buy a plan, from the portal click to paid, failed or expired.
public struct Transaction: Hashable, Sendable, Identifiable {
    public var id: String
    /// What the guest sees and types in a bank memo.
    public var orderCode: OrderCode
    public var planID: String
    /// The price at the time of purchase; later plan price changes do not touch it.
    public var amount: Money
    public var mac: MACAddress
    public var clientIP: IPAddress?
    public var routerID: String
    public var provider: ProviderID
    public var status: TransactionStatus
    /// The provider's own id for the payment (MoMo transId, VNPay TransactionNo, …) once known.
    public var providerReference: String?
    public var callbackToken: CallbackToken
    /// The device's password on a `login`-strategy router; nil for rows made before it existed.
    public var loginSecret: LoginSecret?
    public var createdAt: Date
    /// When an unpaid transaction may be expired by the sweeper.
    public var expiresAt: Date
    public var paidAt: Date?
    public var updatedAt: Date

    public init(
        id: String, orderCode: OrderCode, planID: String, amount: Money, mac: MACAddress, clientIP: IPAddress?,
        routerID: String, provider: ProviderID, status: TransactionStatus, providerReference: String?,
        callbackToken: CallbackToken, loginSecret: LoginSecret? = nil, createdAt: Date, expiresAt: Date,
        paidAt: Date?, updatedAt: Date
    ) {
        self.id = id
        self.orderCode = orderCode
        self.planID = planID
        self.amount = amount
        self.mac = mac
        self.clientIP = clientIP
        self.routerID = routerID
        self.provider = provider
        self.status = status
        self.providerReference = providerReference
        self.callbackToken = callbackToken
        self.loginSecret = loginSecret
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.paidAt = paidAt
        self.updatedAt = updatedAt
    }

    /// A new pending transaction for `plan`, payable until `now + paymentWindowSeconds`.
    public static func pending(
        plan: Plan, mac: MACAddress, clientIP: IPAddress?, routerID: String, provider: ProviderID, now: Date,
        paymentWindowSeconds: Int64, using generator: inout some RandomNumberGenerator
    ) -> Transaction {
        Transaction(
            id: EntityID.random(using: &generator), orderCode: .random(using: &generator), planID: plan.id,
            amount: plan.price, mac: mac, clientIP: clientIP, routerID: routerID, provider: provider, status: .pending,
            providerReference: nil, callbackToken: .random(using: &generator),
            loginSecret: .random(using: &generator), createdAt: now,
            expiresAt: now.addingTimeInterval(Double(paymentWindowSeconds)), paidAt: nil, updatedAt: now)
    }

    /// The transaction after `event` at `now`, or why it cannot happen.
    public func applying(_ event: TransactionStatus.Event, at now: Date) throws(TransitionError) -> Transaction {
        var next = self
        next.status = try status.applying(event)
        next.updatedAt = now
        if event == .confirmPayment || event == .acceptReviewed { next.paidAt = now }
        return next
    }

    /// True when a success arrives for a transaction the sweeper already expired.
    public var isLatePaymentCandidate: Bool { status == .expired }
}
