import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Sends CoA-Requests and Disconnect-Requests to routers (RFC 5176) from one UDP socket.
/// Identifiers are allocated per router address and port, so up to 256 requests can be in
/// flight to each router; more wait for a free identifier. Retries resend the identical
/// datagram (same id, authenticator and source port); replies count only once their
/// authenticator (and Message-Authenticator, when present) verifies against our request.
public final class CoAClient: Sendable {
    /// Where the request goes and with which secret.
    public struct Destination: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var secret: String
        public init(host: String, port: Int, secret: String) {
            self.host = host
            self.port = port
            self.secret = secret
        }
    }

    private struct Pending {
        /// Empty while the identifier is reserved and the request is still being encoded.
        var request: [UInt8]
        var secret: String
        var continuation: CheckedContinuation<RadiusPacket?, Never>?
        /// Which wait the continuation belongs to, so a stale timer cannot wake a later one.
        var waitToken: UInt64 = 0
        /// The current wait's timer, cancelled as soon as the reply arrives.
        var timer: Task<Void, Never>?
        var reply: RadiusPacket?
    }

    private struct State {
        var pending: [String: [UInt8: Pending]] = [:]
        var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]
        var nextToken: UInt64 = 0
    }

    private let channel: any Channel
    private let state: Mutex<State>
    private let policy: RetransmissionPolicy
    private let logger: Logger

    private init(channel: any Channel, policy: RetransmissionPolicy, logger: Logger) {
        self.channel = channel
        self.state = Mutex(State())
        self.policy = policy
        self.logger = logger
    }

    /// Opens the client's socket on `host` (an ephemeral port).
    public static func start(
        host: String = "0.0.0.0", policy: RetransmissionPolicy = RetransmissionPolicy(), logger: Logger
    )
        async throws -> CoAClient
    {
        let box = ClientBox()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(CoAReplyHandler(box: box))
                }
            }
            .bind(host: host, port: 0).get()
        let client = CoAClient(channel: channel, policy: policy, logger: logger)
        box.client.withLock { $0 = client }
        return client
    }

    public func close() async { try? await channel.close() }

    /// The UDP port replies come back to.
    public var localPort: Int? { channel.localAddress?.port }

    /// Sends `code` (CoA-Request or Disconnect-Request) with `attributes` and waits for the
    /// verified answer or the end of the retransmissions.
    public func send(_ code: RadiusCode, attributes: [RadiusPacket.Attribute], to destination: Destination)
        async throws(RadiusCodecError) -> CoAResult
    {
        let key = "\(destination.host):\(destination.port)"
        let remote: SocketAddress
        do { remote = try SocketAddress(ipAddress: destination.host, port: destination.port) } catch {
            throw .encodingFailed("'\(destination.host)' is not an IP address")
        }
        let identifier = await allocate(key)
        let request: [UInt8]
        // Event-Timestamp lets the router refuse this request replayed later (RFC 5176 §3.3); it
        // is encoded once, so every retransmission stays the identical datagram.
        var stamped = attributes
        if !stamped.contains(where: { $0.name == "Event-Timestamp" }) {
            stamped.append(EventTimestamp.attribute(at: Date()))
        }
        do {
            request = try RadiusCodec.encodeRequest(
                code, identifier: identifier, attributes: stamped, secret: destination.secret,
                messageAuthenticator: true)
        } catch {
            release(key, identifier)
            throw error
        }
        state.withLock {
            $0.pending[key, default: [:]][identifier] = Pending(request: request, secret: destination.secret)
        }
        defer { release(key, identifier) }

        let started = Date()
        for attempt in 1...max(1, policy.attempts) {
            let out = AddressedEnvelope(remoteAddress: remote, data: channel.allocator.buffer(bytes: request))
            channel.writeAndFlush(out, promise: nil)
            logger.trace("sent", metadata: ["to": "\(key)", "id": "\(identifier)", "attempt": "\(attempt)"])
            let wait = min(policy.wait(after: attempt), max(0, policy.totalSeconds - Date().timeIntervalSince(started)))
            if let reply = await awaitReply(key, identifier, seconds: wait) {
                switch reply.code {
                case .coaACK, .disconnectACK: return .acknowledged
                default: return .refused(errorCause: reply["Error-Cause"].flatMap(Self.errorCause))
                }
            }
            if Date().timeIntervalSince(started) >= policy.totalSeconds { return .timedOut(attempts: attempt) }
        }
        return .timedOut(attempts: max(1, policy.attempts))
    }

    /// FreeRADIUS prints Error-Cause by name (`Session-Context-Not-Found`) or number.
    static func errorCause(_ text: String) -> Int? {
        if let number = Int(text) { return number }
        let names = [
            "Residual-Context-Removed": 201, "Unsupported-Attribute": 401, "Missing-Attribute": 402,
            "NAS-Identification-Mismatch": 403, "Invalid-Request": 404, "Unsupported-Service": 405,
            "Unsupported-Extension": 406, "Invalid-Attribute-Value": 407, "Administratively-Prohibited": 501,
            "Request-Not-Routable": 502, "Session-Context-Not-Found": 503, "Session-Context-Not-Removable": 504,
            "Other-Proxy-Processing-Error": 505, "Resources-Unavailable": 506, "Request-Initiated": 507,
            "Multiple-Session-Selection-Unsupported": 508,
        ]
        return names[text]
    }

    /// Waits up to `seconds` for the verified reply to (key, identifier).
    private func awaitReply(_ key: String, _ identifier: UInt8, seconds: Double) async -> RadiusPacket? {
        await withCheckedContinuation { continuation in
            let outcome: (ready: RadiusPacket??, token: UInt64) = state.withLock { state in
                guard let pending = state.pending[key]?[identifier] else { return (.some(nil), 0) }
                if let reply = pending.reply { return (.some(reply), 0) }
                state.nextToken += 1
                state.pending[key]?[identifier]?.continuation = continuation
                state.pending[key]?[identifier]?.waitToken = state.nextToken
                return (nil, state.nextToken)
            }
            if let ready = outcome.ready {
                continuation.resume(returning: ready)
                return
            }
            let timer = Task {
                do { try await Task.sleep(for: .milliseconds(Int(seconds * 1000))) } catch { return }
                let waiting = self.state.withLock { state -> CheckedContinuation<RadiusPacket?, Never>? in
                    guard let pending = state.pending[key]?[identifier], pending.waitToken == outcome.token else {
                        return nil
                    }
                    state.pending[key]?[identifier]?.continuation = nil
                    return pending.continuation
                }
                waiting?.resume(returning: nil)
            }
            state.withLock { state in
                if state.pending[key]?[identifier]?.waitToken == outcome.token {
                    state.pending[key]?[identifier]?.timer = timer
                }
            }
        }
    }

    /// A datagram from a router: kept if it answers a pending request and verifies.
    func received(_ bytes: [UInt8], from host: String, port: Int) {
        logger.trace("datagram", metadata: ["from": "\(host):\(port)", "bytes": "\(bytes.count)"])
        guard bytes.count >= 20 else { return }
        let key = "\(host):\(port)"
        let identifier = bytes[1]
        let (request, secret) = state.withLock { state -> ([UInt8]?, String) in
            guard let pending = state.pending[key]?[identifier] else { return (nil, "") }
            return (pending.request, pending.secret)
        }
        // An identifier reserved but not yet sent cannot have a genuine answer: whoever sent this
        // guessed it (or it is a late reply to the identifier's previous request).
        guard let request, !request.isEmpty else {
            logger.debug("unexpected CoA reply", metadata: ["from": "\(key)", "id": "\(identifier)"])
            return
        }
        let reply: RadiusPacket
        do { reply = try RadiusCodec.decodeResponse(bytes, to: request, secret: secret) } catch {
            logger.warning("CoA reply not verified", metadata: ["from": "\(key)", "error": "\(error)"])
            return
        }
        if let stale = EventTimestamp.staleness(of: bytes, now: Date()) {
            logger.warning("CoA reply refused", metadata: ["from": "\(key)", "reason": "\(stale)"])
            return
        }
        let allowed: Set<RadiusCode> =
            request[0] == RadiusCode.coaRequest.rawValue ? [.coaACK, .coaNAK] : [.disconnectACK, .disconnectNAK]
        guard allowed.contains(reply.code) else { return }
        let continuation = state.withLock { state -> CheckedContinuation<RadiusPacket?, Never>? in
            guard state.pending[key]?[identifier] != nil else { return nil }
            state.pending[key]?[identifier]?.reply = reply
            state.pending[key]?[identifier]?.timer?.cancel()
            state.pending[key]?[identifier]?.timer = nil
            let continuation = state.pending[key]?[identifier]?.continuation
            state.pending[key]?[identifier]?.continuation = nil
            return continuation
        }
        continuation?.resume(returning: reply)
    }

    private func allocate(_ key: String) async -> UInt8 {
        while true {
            if let found = state.withLock({ Self.reserve(key, in: &$0) }) { return found }
            await withCheckedContinuation { continuation in
                // Checked again under the lock that queues the waiter, so a release between the
                // failed reservation and the queueing cannot be missed.
                let free = state.withLock { state -> Bool in
                    if (state.pending[key]?.count ?? 0) < 256 { return true }
                    state.waiters[key, default: []].append(continuation)
                    return false
                }
                if free { continuation.resume() }
            }
        }
    }

    /// Reserves a free identifier for `key` with an empty placeholder request.
    private static func reserve(_ key: String, in state: inout State) -> UInt8? {
        let used = state.pending[key] ?? [:]
        guard used.count < 256 else { return nil }
        // Start after a random point so identifiers are not predictable.
        let start = UInt8.random(in: 0...255)
        for offset in 0...255 {
            let candidate = start &+ UInt8(offset)
            if used[candidate] == nil {
                state.pending[key, default: [:]][candidate] = Pending(request: [], secret: "")
                return candidate
            }
        }
        return nil
    }

    private func release(_ key: String, _ identifier: UInt8) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.pending[key]?[identifier] = nil
            guard var waiters = state.waiters[key], !waiters.isEmpty else { return nil }
            let first = waiters.removeFirst()
            state.waiters[key] = waiters
            return first
        }
        waiter?.resume()
    }
}

/// Lets the channel handler reach the client created after the channel.
final class ClientBox: Sendable {
    let client = Mutex<CoAClient?>(nil)
}

final class CoAReplyHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let box: ClientBox

    init(box: ClientBox) { self.box = box }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let client = box.client.withLock({ $0 }) else { return }
        client.received(
            Array(envelope.data.readableBytesView), from: envelope.remoteAddress.ipAddress ?? "",
            port: envelope.remoteAddress.port ?? 0)
    }
}
