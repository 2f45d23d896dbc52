import HotspotPayCore

/// Why a callback was not believed or cannot be matched to an order. Never a paid outcome.
public enum CallbackRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// Signature, API key or per-transaction token does not match.
    case badSignature(String)
    /// Not the shape the provider documents (missing fields, not JSON, broken query, not UTF-8).
    case malformed(String)
    case tooLarge(bytes: Int)
    /// The order it names is not ours.
    case unknownOrder(String)
    /// Signed, but the amount differs from what the order costs.
    case amountMismatch(orderCode: OrderCode, expected: Money, received: Money)
    /// Signed, but for another merchant, terminal, account or provider than the order's.
    case orderMismatch(String)
    /// Genuine but nothing to act on (an outgoing transfer, payOS's webhook test).
    case ignored(String)
    /// The endpoint is not switched on in the configuration.
    case notConfigured(CallbackEndpoint)
    /// The orders could not be looked up: the provider should retry.
    case unavailable(String)

    public var description: String {
        switch self {
        case .badSignature(let why): "bad signature: \(why)"
        case .malformed(let why): "malformed: \(why)"
        case .tooLarge(let bytes): "the body is \(bytes) bytes; at most \(ProviderCallback.maximumBodySize) are read"
        case .unknownOrder(let order): "unknown order '\(order)'"
        case .amountMismatch(let code, let expected, let received):
            "order \(code) costs \(expected) but \(received) was paid"
        case .orderMismatch(let why): "not for this order: \(why)"
        case .ignored(let why): "ignored: \(why)"
        case .notConfigured(let endpoint): "the \(endpoint.rawValue) callback is not configured"
        case .unavailable(let why): "orders cannot be looked up: \(why)"
        }
    }
}
