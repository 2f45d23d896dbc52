import struct Foundation.Date

/// The JSON document POSTed to an endpoint: what happened, to which sale and pass, as they were
/// when the change committed. Keys are spelled out (snake_case, `plan_id`, `amount_vnd`) because
/// this is a published contract: receivers decode it with no key strategy.
public struct WebhookEvent: Codable, Hashable, Sendable {
    /// `evt_…`, the same on every attempt: receivers de-duplicate on it.
    public var id: String
    public var type: WebhookEventType
    public var createdAt: Date
    public var data: Payload

    enum CodingKeys: String, CodingKey {
        case id, type, data
        case createdAt = "created_at"
    }

    public init(id: String, type: WebhookEventType, createdAt: Date, data: Payload) {
        self.id = id
        self.type = type
        self.createdAt = createdAt
        self.data = data
    }

    /// A new random event id: `evt_` and 32 hexadecimal digits.
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<2).flatMap { _ in withUnsafeBytes(of: generator.next()) { Array($0) } }
        return "evt_" + ASCIIHex.lowercase(bytes)
    }

    public struct Payload: Codable, Hashable, Sendable {
        /// The sale the event is about, when there is one.
        public var transaction: TransactionSummary?
        /// The device's pass that sale belongs to, when there is one.
        public var grant: GrantSummary?
        /// The money the event moved (a refund's amount, an unapplied payment's), when it differs
        /// from the sale's.
        public var amountVND: Int64?
        /// Who caused it: `system`, `provider:momo`, `operator:lan`, `unlock-worker`.
        public var actor: String
        /// The audit log's sentence for people.
        public var detail: String

        enum CodingKeys: String, CodingKey {
            case transaction, grant, actor, detail
            case amountVND = "amount_vnd"
        }

        public init(
            transaction: TransactionSummary? = nil, grant: GrantSummary? = nil, amountVND: Int64? = nil,
            actor: String, detail: String
        ) {
            self.transaction = transaction
            self.grant = grant
            self.amountVND = amountVND
            self.actor = actor
            self.detail = detail
        }
    }

    public struct TransactionSummary: Codable, Hashable, Sendable {
        public var id: String
        public var orderCode: String
        public var planID: String
        public var amountVND: Int64
        public var mac: String
        public var routerID: String
        public var provider: String
        public var status: String
        public var providerReference: String?
        public var createdAt: Date
        public var paidAt: Date?

        enum CodingKeys: String, CodingKey {
            case id, mac, provider, status
            case orderCode = "order_code"
            case planID = "plan_id"
            case amountVND = "amount_vnd"
            case routerID = "router_id"
            case providerReference = "provider_reference"
            case createdAt = "created_at"
            case paidAt = "paid_at"
        }

        public init(
            id: String, orderCode: String, planID: String, amountVND: Int64, mac: String, routerID: String,
            provider: String, status: String, providerReference: String?, createdAt: Date, paidAt: Date?
        ) {
            self.id = id
            self.orderCode = orderCode
            self.planID = planID
            self.amountVND = amountVND
            self.mac = mac
            self.routerID = routerID
            self.provider = provider
            self.status = status
            self.providerReference = providerReference
            self.createdAt = createdAt
            self.paidAt = paidAt
        }
    }

    public struct GrantSummary: Codable, Hashable, Sendable {
        public var id: String
        public var mac: String
        public var status: String
        public var startsAt: Date
        public var validUntil: Date
        public var dataRemainingBytes: Int64?

        enum CodingKeys: String, CodingKey {
            case id, mac, status
            case startsAt = "starts_at"
            case validUntil = "valid_until"
            case dataRemainingBytes = "data_remaining_bytes"
        }

        public init(
            id: String, mac: String, status: String, startsAt: Date, validUntil: Date, dataRemainingBytes: Int64?
        ) {
            self.id = id
            self.mac = mac
            self.status = status
            self.startsAt = startsAt
            self.validUntil = validUntil
            self.dataRemainingBytes = dataRemainingBytes
        }
    }
}
