import NIOCore
import NIOPosix
import Synchronization

/// One UDP socket on loopback: requests it sends wait for the reply with their identifier
/// (retransmitted like a router does), and datagrams nobody waits for go to `onDatagram`, whose
/// answer is sent back to their source.
final class UDPEndpoint: Sendable {
    private let channel: any Channel
    private let waiting = Mutex<[UInt8: CheckedContinuation<[UInt8]?, Never>]>([:])
    private let nextIdentifier = Mutex<UInt8>(UInt8.random(in: 0...255))

    private init(channel: any Channel) { self.channel = channel }

    static func bind(port: Int, onDatagram: @escaping @Sendable ([UInt8]) -> [UInt8]?) async throws -> UDPEndpoint {
        let box = Mutex<UDPEndpoint?>(nil)
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        Handler { bytes, source in
                            guard let endpoint = box.withLock({ $0 }) else { return }
                            if bytes.count >= 20, endpoint.resume(bytes) { return }
                            if let answer = onDatagram(bytes) { endpoint.send(answer, to: source) }
                        })
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        let endpoint = UDPEndpoint(channel: channel)
        box.withLock { $0 = endpoint }
        return endpoint
    }

    var port: Int { channel.localAddress?.port ?? 0 }

    func identifier() -> UInt8 {
        nextIdentifier.withLock {
            $0 &+= 1
            return $0
        }
    }

    func send(_ bytes: [UInt8], to address: SocketAddress) {
        channel.writeAndFlush(
            AddressedEnvelope(remoteAddress: address, data: channel.allocator.buffer(bytes: bytes)), promise: nil)
    }

    /// Sends `request` to 127.0.0.1:`port` and waits for a datagram with the same identifier,
    /// resending the same bytes `tries` times `timeout` apart; nil when nothing came.
    func exchange(_ request: [UInt8], port: Int, timeout: Double, tries: Int) async -> [UInt8]? {
        guard let address = try? SocketAddress(ipAddress: "127.0.0.1", port: port) else { return nil }
        let identifier = request[1]
        for _ in 0..<max(1, tries) {
            let reply = await withCheckedContinuation { (continuation: CheckedContinuation<[UInt8]?, Never>) in
                waiting.withLock { $0[identifier] = continuation }
                send(request, to: address)
                Task {
                    try? await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
                    if let late = self.waiting.withLock({ $0.removeValue(forKey: identifier) }) {
                        late.resume(returning: nil)
                    }
                }
            }
            if let reply { return reply }
        }
        return nil
    }

    /// Hands a datagram to the request waiting for its identifier; false when none waits.
    private func resume(_ bytes: [UInt8]) -> Bool {
        guard let continuation = waiting.withLock({ $0.removeValue(forKey: bytes[1]) }) else { return false }
        continuation.resume(returning: bytes)
        return true
    }

    func close() async { try? await channel.close() }

    private final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let received: @Sendable ([UInt8], SocketAddress) -> Void
        init(_ received: @escaping @Sendable ([UInt8], SocketAddress) -> Void) { self.received = received }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            received(Array(envelope.data.readableBytesView), envelope.remoteAddress)
        }
    }
}
