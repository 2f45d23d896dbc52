import Crypto
import Foundation
import HTTPTypes
import HotspotPayCore
import Hummingbird
import Store
import Synchronization

/// `Idempotency-Key` on changing calls (`POST /api/transactions`, every creating or changing
/// `/api/admin` call): the same key with the same request within 24 h gets the stored answer
/// (`Idempotent-Replayed: true`) instead of doing it twice; the same key with another request is
/// a 422; the same request still being answered (a double tap) a 409 with `Retry-After: 1`. Keys
/// are scoped to the caller (the operator, or the guest's address), answers of 5xx are not kept,
/// so a retry after our own failure runs again.
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotent-Replayed")!
    /// On a replay whose first answer carried a new secret: the secret is not in this one.
    static let secretWithheld = HTTPField.Name("Idempotent-Secret-Withheld")!
    static let maximumBodyBytes = 1 << 20

    let store: any IdempotencyStore
    /// Who is asking: keys of different callers never meet.
    let scope: @Sendable (Request, Context) -> String
    let clock: @Sendable () -> Date
    /// Whether a refusal (4xx) is kept for replays. Operators' refusals are; a stranger's are not:
    /// every made-up key with a malformed body would otherwise be a row kept for a day, and only a
    /// purchase (which the checkout throttle bounds per device and address) is worth remembering.
    let keepsRefusals: Bool
    private let lastPurge = Purge()

    init(
        store: any IdempotencyStore, scope: @escaping @Sendable (Request, Context) -> String,
        keepsRefusals: Bool = true, clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.scope = scope
        self.keepsRefusals = keepsRefusals
        self.clock = clock
    }

    final class Purge: Sendable { let at = Mutex(Date.distantPast) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard [.post, .patch, .delete, .put].contains(request.method), let key = request.headers[Self.header] else {
            return try await next(request, context)
        }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return Self.error(.badRequest, "Idempotency-Key must be 1 to 255 visible ASCII characters")
        }
        var request = request
        let body = try await request.body.collect(upTo: Self.maximumBodyBytes)
        request.body = RequestBody(buffer: body)
        var hash = SHA256()
        hash.update(data: Array("\(request.method.rawValue) \(request.uri.path)\n".utf8))
        hash.update(data: Array(body.readableBytesView))
        let digest = ASCIIHex.lowercase(hash.finalize())
        let scope = scope(request, context)
        let now = clock()
        await purgeNowAndThen(now)
        switch try await store.claimIdempotencyKey(scope: scope, key: key, requestDigest: digest, at: now) {
        case .replay(let stored):
            context.logger.info("idempotent replay", metadata: ["path": "\(request.uri.path)"])
            var headers: HTTPFields = [
                .contentType: stored.contentType, Self.replayed: "true", .cacheControl: "no-store",
            ]
            if String(decoding: stored.body, as: UTF8.self).contains(WithheldSecrets.placeholder) {
                headers[Self.secretWithheld] = "true"
            }
            return Response(
                status: .init(code: stored.status), headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: stored.body)))
        case .mismatch:
            return Self.error(
                .unprocessableContent,
                "this Idempotency-Key was used for a different request in the last 24 hours; use a new key")
        case .inProgress:
            var response = Self.error(.conflict, "a request with this Idempotency-Key is still being answered")
            response.headers[.retryAfter] = "1"
            return response
        case .new:
            let response: Response
            do { response = try await next(request, context) } catch let error as any HTTPResponseError
                where error.status.code < 500
            {
                // A refusal (bad input, unknown plan) is an answer too: the retry gets the same one.
                response = try error.response(from: request, context: context)
            } catch {
                try? await store.finishIdempotencyKey(scope: scope, key: key, response: nil)
                throw error
            }
            guard response.status.code < (keepsRefusals ? 500 : 400) else {
                try? await store.finishIdempotencyKey(scope: scope, key: key, response: nil)
                return response
            }
            let collected = Collected()
            var answer = response
            try await answer.body.write(CollectingWriter(collected: collected))
            let bytes = collected.bytes.withLock { $0 }
            // The caller gets the secret now; the stored copy never holds it.
            try await store.finishIdempotencyKey(
                scope: scope, key: key,
                response: StoredResponse(
                    status: response.status.code, contentType: response.headers[.contentType] ?? "application/json",
                    body: WithheldSecrets.redact(bytes).body))
            answer.body = ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
            return answer
        }
    }

    /// Old keys go once a minute, from whichever request comes.
    private func purgeNowAndThen(_ now: Date) async {
        let due = lastPurge.at.withLock { last -> Bool in
            guard now.timeIntervalSince(last) >= 60 else { return false }
            last = now
            return true
        }
        if due {
            _ = try? await store.purgeIdempotencyKeys(
                before: now.addingTimeInterval(-IdempotencyRules.retentionSeconds))
        }
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        AdminResponses.error(status: status, api: true, message: message)
    }

    final class Collected: Sendable { let bytes = Mutex<[UInt8]>([]) }

    struct CollectingWriter: ResponseBodyWriter {
        let collected: Collected

        mutating func write(_ buffer: ByteBuffer) async throws {
            collected.bytes.withLock { $0.append(contentsOf: buffer.readableBytesView) }
        }

        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
