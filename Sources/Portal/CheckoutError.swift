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
        case .invalidField(let name, let problem): "\(name): \(problem)"
        case .unknownPlan(let id): "no plan '\(id)'"
        case .planNotOnSale(let id): "plan '\(id)' is not on sale"
        case .providerNotEnabled(let provider): "payment provider '\(provider)' is not enabled here"
        case .unknownRouter(let id): "no router '\(id)'"
        }
    }
}
