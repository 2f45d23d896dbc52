import Checkout
import HTTPTypes
import Hummingbird
import Payments

/// `/callbacks/<endpoint>` and `/callbacks/<endpoint>/<token>`, GET (VNPay) or POST (the rest):
/// the raw request goes to ``CallbackService`` and the provider's reply comes back verbatim.
struct CallbackRoutes: Sendable {
    let callbacks: CallbackService

    func register(on router: Hummingbird.Router<PortalRequestContext>) {
        for endpoint in CallbackEndpoint.allCases {
            let handler: @Sendable (Request, PortalRequestContext) async throws -> Response = { request, context in
                try await handle(request, context: context, endpoint: endpoint)
            }
            router.get("/callbacks/\(endpoint.rawValue)", use: handler)
            router.post("/callbacks/\(endpoint.rawValue)", use: handler)
            router.get("/callbacks/\(endpoint.rawValue)/{token}", use: handler)
            router.post("/callbacks/\(endpoint.rawValue)/{token}", use: handler)
        }
    }

    func handle(_ request: Request, context: PortalRequestContext, endpoint: CallbackEndpoint) async throws -> Response
    {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: ProviderCallback.maximumBodySize)
        } catch {
            context.logger.warning("callback body too large", metadata: ["endpoint": "\(endpoint.rawValue)"])
            return Response(status: .contentTooLarge)
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let callback = ProviderCallback(
            endpoint: endpoint, method: request.method.rawValue, query: request.uri.query ?? "", headers: headers,
            body: Array(body.readableBytesView), token: context.parameters.get("token"))
        guard let reply = await callbacks.handle(callback) else {
            throw HTTPError(.notFound, message: "the \(endpoint.rawValue) callback is not configured here")
        }
        return Self.response(reply)
    }

    static func response(_ reply: CallbackReply) -> Response {
        var headers = HTTPFields()
        if let type = reply.contentType { headers[.contentType] = type }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body)))
    }
}
