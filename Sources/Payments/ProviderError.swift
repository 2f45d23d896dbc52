import HotspotPayCore

/// Why a call to a provider's API did not give an answer we can use. Carries what an operator
/// needs: the provider's own code and message when it answered.
public enum ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No answer within the timeout: for a create or refund the outcome is unknown; query later.
    case timeout(provider: ProviderID, operation: String, seconds: Int64)
    /// Could not connect or the connection broke.
    case transport(provider: ProviderID, operation: String, message: String)
    /// An HTTP status other than success.
    case httpStatus(provider: ProviderID, operation: String, status: Int, body: String)
    /// The provider answered and said no, with its code and message.
    case refused(provider: ProviderID, operation: String, code: String, message: String)
    /// The answer does not have the documented shape or its signature does not match.
    case badResponse(provider: ProviderID, operation: String, message: String)
    /// The provider has no such API (refunds of bank transfers).
    case unsupported(provider: ProviderID, operation: String)
    /// We cannot even ask (an amount outside the provider's limits, a missing setting).
    case invalidRequest(provider: ProviderID, operation: String, message: String)
    /// The provider took the request but has not finished it (MoMo's 7002 "being processed").
    case inProgress(provider: ProviderID, operation: String, code: String, message: String)

    /// Whether the provider definitely did not do what was asked: a refusal, a missing API, a
    /// request we could not send, or a 4xx. A timeout, a broken connection, a 5xx, an unreadable
    /// answer or work in progress leave the outcome unknown: money may still move, so nothing
    /// may be retried as if it had failed.
    public var isDefiniteRefusal: Bool {
        switch self {
        case .refused, .unsupported, .invalidRequest: true
        case .httpStatus(_, _, let status, _): (400..<500).contains(status)
        case .timeout, .transport, .badResponse, .inProgress: false
        }
    }

    public var description: String {
        switch self {
        case .timeout(let provider, let operation, let seconds):
            "\(provider) \(operation): no answer within \(seconds) s"
        case .transport(let provider, let operation, let message): "\(provider) \(operation): \(message)"
        case .httpStatus(let provider, let operation, let status, let body):
            "\(provider) \(operation): HTTP \(status) \(body.prefix(200))"
        case .refused(let provider, let operation, let code, let message):
            "\(provider) \(operation) refused: code \(code), \(message)"
        case .badResponse(let provider, let operation, let message):
            "\(provider) \(operation): unexpected answer: \(message)"
        case .unsupported(let provider, let operation): "\(provider) has no \(operation) API"
        case .invalidRequest(let provider, let operation, let message): "\(provider) \(operation): \(message)"
        case .inProgress(let provider, let operation, let code, let message):
            "\(provider) \(operation) still being processed: code \(code), \(message)"
        }
    }
}
