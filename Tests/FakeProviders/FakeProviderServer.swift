import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore

/// Local stand-ins for MoMo, VNPay and payOS that speak exactly the documented formats
/// (docs/PROVIDERS.md): they check our signatures, keep orders, answer create/query/refund, and send
/// signed callbacks when a test "pays". Used instead of mocks of our own protocol.
public struct FakeProviderServer: Sendable {
    public let ledger = FakeLedger()
    /// Where VNPay and payOS deliver IPNs/webhooks (set once in their merchant portals; MoMo
    /// takes the ipnUrl from each create request instead).
    public let callbackBase: @Sendable () -> String

    public init(callbackBase: @escaping @Sendable () -> String = { "http://127.0.0.1:9/callbacks" }) {
        self.callbackBase = callbackBase
    }

    /// Runs the fake on a free port for the duration of `body`, which gets its base URL.
    public func run<Value: Sendable>(_ body: @escaping @Sendable (String) async throws -> Value) async throws -> Value {
        let router = Hummingbird.Router()
        registerMoMo(on: router)
        registerVNPay(on: router)
        registerPayOS(on: router)
        let app = Application(router: router)
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }

    static func json(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func object(_ request: Request) async throws -> [String: Any] {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
        else { throw HTTPError(.badRequest, message: "not a JSON object") }
        return object
    }

    /// What our server answered to a callback the fake sent.
    public struct Delivery: Sendable {
        public var status: Int
        public var body: String
        public var location: String? = nil
    }

    /// Sends a callback the way a provider does.
    public static func deliver(
        _ method: String, _ url: String, headers: [String: String] = [:], body: [UInt8]? = nil,
        followRedirects: Bool = true
    ) async throws -> Delivery {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        if followRedirects {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let text = try await response.body.collect(upTo: 1 << 20)
            return Delivery(status: Int(response.status.code), body: String(buffer: text))
        }
        let client = HTTPClient(configuration: .init(redirectConfiguration: .disallow))
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            let text = try await response.body.collect(upTo: 1 << 20)
            try await client.shutdown()
            return Delivery(
                status: Int(response.status.code), body: String(buffer: text),
                location: response.headers.first(name: "location"))
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
