import HotspotPayCore
import Payments
import Store

/// Why a console operation did not happen, in words an operator can act on. The HTTP layer
/// maps each case to a status code; the CLI prints the description.
public enum ConsoleError: Error, CustomStringConvertible, Equatable {
    /// Input that does not make sense; every problem at once.
    case invalid([ValidationProblem])
    case notFound(entity: String, id: String)
    /// The change collides with what is there (a taken id, a transaction that is not paid…).
    case conflict(String)
    /// Wrong username or password (deliberately not saying which).
    case badCredentials
    /// Too many failed sign-ins; try again after this many seconds.
    case throttled(retryAfterSeconds: Int)
    /// The provider refused or did not answer; nothing was changed on our side.
    case provider(ProviderError)
    /// A system facility (libcrypt, the database) failed.
    case unavailable(String)
    /// The resource exists but does not take that HTTP method.
    case methodNotAllowed(allow: String)

    public var description: String {
        switch self {
        case .invalid(let problems): problems.map(\.description).joined(separator: "; ")
        case .notFound(let entity, let id): "no \(entity) '\(id)'"
        case .conflict(let why): why
        case .badCredentials: "wrong username or password"
        case .throttled(let seconds): "too many failed sign-ins; try again in \(seconds) s"
        case .provider(let error): "the payment provider did not refund: \(error)"
        case .unavailable(let why): why
        case .methodNotAllowed(let allow): "this resource takes \(allow)"
        }
    }

    /// Store errors in console terms; anything unexpected becomes ``unavailable(_:)``.
    static func from(_ error: any Error) -> ConsoleError {
        switch error {
        case let error as ConsoleError: return error
        case let error as ValidationError: return .invalid(error.problems)
        case let error as StoreError:
            switch error {
            case .notFound(let entity, let id): return .notFound(entity: entity, id: id)
            case .duplicate, .transition, .refundExceedsPayment, .lastOperator, .lastOwner:
                return .conflict(error.description)
            case .invalid(let problems): return .invalid(problems)
            default: return .unavailable(error.description)
            }
        default: return .unavailable("\(error)")
        }
    }

    /// Runs `body`, turning whatever it throws into a ``ConsoleError``.
    static func wrap<T>(_ body: () async throws -> T) async throws(ConsoleError) -> T {
        do { return try await body() } catch { throw from(error) }
    }
}
