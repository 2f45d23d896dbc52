import Console
import Foundation
import HotspotPayCore
import Hummingbird
import Payments

/// JSON and redirect answers shared by the admin API and pages.
enum AdminResponses {
    struct ErrorBody: Encodable {
        var error: String
        var problems: [Problem]?
        struct Problem: Encodable {
            var field: String
            var message: String
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        (try? JSONResponse.make(value, status: status, keys: .snakeCase))
            ?? Response(
                status: .internalServerError, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"error":"the answer could not be encoded"}"#)))
    }

    static func error(status: HTTPResponse.Status, api: Bool, message: String, problems: [ValidationProblem]? = nil)
        -> Response
    {
        if api {
            return json(
                ErrorBody(error: message, problems: problems?.map { .init(field: $0.field, message: $0.message) }),
                status: status)
        }
        return Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    static func unauthorized(api: Bool, request: Request, reason: String) -> Response {
        if api {
            var response = error(status: .unauthorized, api: true, message: reason)
            response.headers[.wwwAuthenticate] = "Bearer realm=\"hotspotpay\""
            return response
        }
        let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        return Response(
            status: .seeOther,
            headers: [.location: "/admin/login?next=" + FormURLEncoding.encode(next), .cacheControl: "no-store"])
    }

    /// The status each console error deserves.
    static func status(for error: ConsoleError) -> HTTPResponse.Status {
        switch error {
        case .invalid: .unprocessableContent
        case .notFound: .notFound
        case .conflict: .conflict
        case .badCredentials: .unauthorized
        case .throttled: .tooManyRequests
        case .provider: .badGateway
        case .unavailable: .serviceUnavailable
        case .methodNotAllowed: .methodNotAllowed
        }
    }

    static func apiError(_ error: ConsoleError) -> Response {
        var problems: [ValidationProblem]?
        if case .invalid(let found) = error { problems = found }
        var response = Self.error(status: status(for: error), api: true, message: error.description, problems: problems)
        if case .throttled(let seconds) = error { response.headers[.retryAfter] = "\(seconds)" }
        return response
    }
}
