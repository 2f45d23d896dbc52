import HotspotPayCore
import Payments

/// Why a guest's purchase cannot start; each maps to a clear HTTP answer.
public enum CheckoutError: Error, Equatable, CustomStringConvertible {
    case invalidField(name: String, problem: String)
    case unknownPlan(id: String)
    case planNotOnSale(id: String)
    case providerNotEnabled(ProviderID)
    case unknownRouter(id: String)
    /// The provider gave no payment request. `orderKept`: it did not answer, so the order stays
    /// pending until the sweeper has asked the provider about it.
    case paymentRequestFailed(ProviderError, orderKept: Bool)

    public var description: String {
        switch self {
        case .invalidField(let name, let problem): "\(name): \(problem)"
        case .unknownPlan(let id): "no plan '\(id)'"
        case .planNotOnSale(let id): "plan '\(id)' is not on sale"
        case .providerNotEnabled(let provider): "payment provider '\(provider)' is not enabled here"
        case .unknownRouter(let id): "no router '\(id)'"
        case .paymentRequestFailed(let error, _): "the payment could not be started: \(error)"
        }
    }
}
