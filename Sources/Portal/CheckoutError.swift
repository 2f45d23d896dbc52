import HotspotPayCore

/// Why a guest's purchase cannot start; each maps to a clear HTTP answer.
public enum CheckoutError: Error, Equatable, CustomStringConvertible {
    case invalidField(name: String, problem: String)
    case unknownPlan(id: String)
    case planNotOnSale(id: String)
    case providerNotEnabled(ProviderID)
    case unknownRouter(id: String)

    public var description: String {
        switch self {
        case let .invalidField(name, problem): "\(name): \(problem)"
        case let .unknownPlan(id): "no plan '\(id)'"
        case let .planNotOnSale(id): "plan '\(id)' is not on sale"
        case let .providerNotEnabled(provider): "payment provider '\(provider)' is not enabled here"
        case let .unknownRouter(id): "no router '\(id)'"
        }
    }
}
