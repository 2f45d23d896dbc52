import Checkout
import HotspotPayCore
import Hummingbird

/// A plan as the portal lists it.
public struct PlanView: ResponseCodable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var price: Int64
    public var priceText: String
    public var duration: String
    public var dataCap: String?
    public var speed: String?

    public init(_ plan: Plan, language: Language) {
        id = plan.id
        name = plan.name[language]
        price = plan.price.dong
        priceText = plan.price.formatted(language)
        duration = DurationText.format(seconds: plan.durationSeconds)
        dataCap = plan.dataCapBytes.map(ByteCount.format)
        speed = plan.rateLimit?.summary
    }
}

/// `GET /api/plans`.
struct PlanList: ResponseEncodable {
    var plans: [PlanView]
}

/// `GET /healthz`.
struct Health: ResponseEncodable {
    var status: String
}

/// The checkout's view of a transaction, answered as JSON.
extension TransactionView: ResponseCodable {}
