import Console
import Foundation
import HotspotPayCore
import Hummingbird
import Store

/// The operator REST API under `/api/admin` (JSON; `docs/openapi.yaml`). Every route sits behind
/// ``AdminAuthMiddleware`` and runs the same ``OperatorConsole`` services as the web pages and the CLI.
public struct AdminAPIRoutes: Sendable {
    let console: OperatorConsole
    /// Where `Idempotency-Key` answers are kept; nil: the header is ignored.
    let idempotency: (any IdempotencyStore)?

    public init(console: OperatorConsole, idempotency: (any IdempotencyStore)? = nil) {
        self.console = console
        self.idempotency = idempotency
    }

    public func register(on router: Hummingbird.Router<PortalRequestContext>) {
        router.add(middleware: AdminMethodGuard())
        let api = router.group("api/admin").add(middleware: AdminAuthMiddleware(accounts: console.accounts))
            .add(middleware: StaffAccess(surface: .api))
        if let idempotency {
            // After authentication: an operator's keys are theirs alone.
            api.add(
                middleware: IdempotencyMiddleware(
                    store: idempotency, scope: { _, context in context.identity?.actor ?? "operator:?" }))
        }
        registerCatalog(on: api)
        registerSales(on: api)
        registerAccounts(on: api)
        registerVouchers(on: api)
        registerWebhooks(on: api)
        registerProviderKeys(on: api)
    }

    /// Every operation the API serves, as `docs/openapi.yaml` lists them (a test keeps the three
    /// in step): the source of the 405 answers below.
    static let operations: [String: [HTTPRequest.Method]] = [
        "me": [.get], "dashboard": [.get], "plans": [.get, .post], "plans/{id}": [.get, .patch],
        "routers": [.get, .post], "routers/{id}": [.get, .patch, .delete],
        "routers/{id}/doctor": [.get], "transactions": [.get],
        "transactions.csv": [.get], "transactions/{id}": [.get], "transactions/{id}/refund": [.post],
        "transactions/{id}/recheck": [.post], "transactions/{id}/unlock": [.post], "cash-sales": [.post],
        "external-sales": [.post],
        "grants": [.get], "grants/{id}/extend": [.post], "grants/{id}/revoke": [.post], "sessions": [.get],
        "revenue": [.get], "audit": [.get], "operators": [.get, .post], "operators/{username}/password": [.post],
        "operators/{username}/disable": [.post], "operators/{username}/enable": [.post],
        "operators/{username}/role": [.post], "tokens": [.get, .post],
        "tokens/{id}": [.delete], "refunds/{id}/check": [.post], "refunds/{id}/resolve": [.post],
        "unapplied-payments": [.get], "unapplied-payments/{id}/resolve": [.post],
        "voucher-batches": [.get, .post], "voucher-batches/{id}": [.get], "voucher-batches/{id}/codes.csv": [.get],
        "voucher-batches/{id}/revoke": [.post], "webhooks": [.get, .post],
        "webhooks/{id}": [.get, .patch, .delete], "webhooks/{id}/test": [.post], "webhooks/{id}/deliveries": [.get],
        "webhook-deliveries/{id}": [.get], "webhook-deliveries/{id}/retry": [.post], "provider-keys": [.get],
        "provider-keys/{provider}": [.patch],
    ]

    /// The methods `path` (under `/api/admin/`) takes, nil when no operation has that path.
    static func methods(forPath path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        for (template, methods) in operations {
            let parts = template.split(separator: "/")
            guard parts.count == segments.count else { continue }
            if zip(parts, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) { return methods }
        }
        return nil
    }

    /// Runs a console operation and answers its errors as JSON with the right status.
    static func answer(
        _ context: PortalRequestContext, _ body: () async throws(ConsoleError) -> Response
    ) async -> Response {
        do { return try await body() } catch {
            if case .unavailable = error {
                context.logger.error("admin API failed", metadata: ["error": "\(error)"])
            }
            return AdminResponses.apiError(error)
        }
    }

    /// The request's JSON body (at most 256 KiB).
    static func body(_ request: Request) async throws(ConsoleError) -> Data {
        var request = request
        do { return Data(buffer: try await request.collectBody(upTo: 256 * 1024)) } catch {
            throw .invalid([.init(field: "body", message: "at most 256 KiB of JSON")])
        }
    }

    /// Decodes a JSON body, answering a malformed one as a 422 naming the problem.
    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws(ConsoleError) -> T {
        if let refusing = T.self as? any NullRefusingBody.Type,
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            let nulls = object.filter { $0.value is NSNull && refusing.fieldNames.contains($0.key) }.keys.sorted()
            guard nulls.isEmpty else {
                throw .invalid(
                    nulls.map { .init(field: $0, message: "null is not a value: leave the field out instead") })
            }
        }
        let decoder = JSONDecoder()
        // `display_name` → `displayName`, as the answers are encoded. The two change types keep
        // their own keys: they name acronyms (`nameVI`, `apiURL`) the conversion cannot produce,
        // and the same list refuses nulls and reads the console's forms.
        if (T.self as? any NullRefusingBody.Type)?.decodesSnakeCase ?? true {
            decoder.keyDecodingStrategy = .convertFromSnakeCase
        }
        do { return try decoder.decode(T.self, from: data) } catch let error as DecodingError {
            throw .invalid([.init(field: "body", message: Self.describe(error))])
        } catch {
            throw .invalid([.init(field: "body", message: "expected a JSON object")])
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws(ConsoleError) -> T {
        try decode(type, try await body(request))
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)): \(context.debugDescription)"
        case .keyNotFound(let key, _): return "\(key.stringValue) is required"
        case .dataCorrupted(let context):
            return path(context).isEmpty ? "not valid JSON" : "\(path(context)): \(context.debugDescription)"
        @unknown default: return "expected a JSON object"
        }
    }

    static func parameter(_ context: PortalRequestContext, _ name: String) throws(ConsoleError) -> String {
        guard let value = context.parameters.get(name) else { throw .invalid([.init(field: name, message: "missing")]) }
        return value
    }

    static func query(_ request: Request) -> [String: String] {
        var values: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { values[String(key)] = String(value) }
        return values
    }

    static func actor(_ context: PortalRequestContext) -> String { context.identity?.actor ?? "operator:?" }

    /// A whole-number query parameter within `range` (as `docs/openapi.yaml` declares it), or
    /// `fallback` when absent; anything else is a 422 naming the parameter.
    static func integer(_ query: [String: String], _ name: String, default fallback: Int, in range: ClosedRange<Int>)
        throws(ConsoleError) -> Int
    {
        guard let text = query[name] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw .invalid([
                .init(
                    field: name,
                    message: "a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text.prefix(40))'")
            ])
        }
        return value
    }
}
