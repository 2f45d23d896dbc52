import Console
import Foundation
import HotspotPayCore
import Hummingbird
import Store

/// The operator REST API under `/api/admin` (JSON; `docs/openapi.yaml`). Every route sits behind
/// ``AdminAuthMiddleware`` and runs the same ``OperatorConsole`` services as the web pages and the CLI.
public struct AdminAPIRoutes: Sendable {
    let console: OperatorConsole

    public init(console: OperatorConsole) { self.console = console }

    public func register(on router: Hummingbird.Router<PortalRequestContext>) {
        let api = router.group("api/admin").add(middleware: AdminAuthMiddleware(accounts: console.accounts))
        registerCatalog(on: api)
        registerSales(on: api)
        registerAccounts(on: api)
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
        do { return try JSONDecoder().decode(T.self, from: data) } catch let error as DecodingError {
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
}
