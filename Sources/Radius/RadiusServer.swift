import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// The Access and Accounting listeners (UDP, SwiftNIO) in front of a ``RadiusRequestProcessor``.
/// Runs as a service: binds on start, closes on graceful shutdown.
public final class RadiusServer: Service, Sendable {
    public struct Address: Sendable, Hashable {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    let processor: RadiusRequestProcessor
    let authentication: Address
    let accounting: Address
    let logger: Logger
    let onBound: @Sendable (_ authenticationPort: Int, _ accountingPort: Int) -> Void

    public init(
        processor: RadiusRequestProcessor, authentication: Address, accounting: Address, logger: Logger,
        onBound: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) {
        self.processor = processor
        self.authentication = authentication
        self.accounting = accounting
        self.logger = logger
        self.onBound = onBound
    }

    public func run() async throws {
        let auth = try await bind(authentication, service: .authentication)
        let acct: [any Channel]
        do { acct = try await bind(accounting, service: .accounting) } catch {
            for channel in auth { try? await channel.close() }
            throw error
        }
        let authPort = auth.first?.localAddress?.port ?? 0
        let acctPort = acct.first?.localAddress?.port ?? 0
        logger.info(
            "RADIUS listening",
            metadata: ["auth": "\(authPort)", "acct": "\(acctPort)", "sockets_per_port": "\(auth.count)"])
        onBound(authPort, acctPort)
        try? await gracefulShutdown()
        for channel in auth + acct { try? await channel.close() }
    }

    /// One socket per event loop, all on the same port (``RadiusSocketGroup``), so every core
    /// answers Access-Requests, even when they all come from one router.
    private func bind(_ address: Address, service: RadiusRequestProcessor.Service) async throws -> [any Channel] {
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        let sockets = try RadiusSocketGroup.bind(host: address.host, port: address.port, count: loops.count)
        var channels: [any Channel] = []
        for (index, socket) in sockets.enumerated() {
            do {
                channels.append(try await adopt(socket, on: loops[index], service: service))
            } catch {
                for channel in channels { try? await channel.close() }
                for unused in sockets[index...] { close(unused) }
                throw error
            }
        }
        return channels
    }

    private func adopt(_ socket: NIOBSDSocket.Handle, on loop: any EventLoop, service: RadiusRequestProcessor.Service)
        async throws -> any Channel
    {
        let processor = self.processor
        return try await DatagramBootstrap(group: loop)
            // recvmmsg/sendmmsg: up to this many datagrams per system call under load.
            .channelOption(.datagramVectorReadMessageCount, value: Self.datagramsPerRead)
            // The buffer is split evenly between the datagrams of one read: room for the largest
            // packet RADIUS allows, plus one byte so a longer one shows as too long, not cut.
            .channelOption(
                .recvAllocator,
                value: FixedSizeRecvByteBufferAllocator(
                    capacity: Self.datagramsPerRead * (RadiusPacketHeader.maximumLength + 1))
            )
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        RadiusDatagramHandler(processor: processor, service: service))
                }
            }
            .withBoundSocket(socket).get()
    }

    static let datagramsPerRead = 32
}

/// Hands each datagram to the processor and writes the reply, if any, back to the sender from
/// the same socket. Replies are flushed once per batch of reads, so a burst goes out in one
/// `sendmmsg`.
final class RadiusDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    let processor: RadiusRequestProcessor
    let service: RadiusRequestProcessor.Service
    private var unflushed = false

    init(processor: RadiusRequestProcessor, service: RadiusRequestProcessor.Service) {
        self.processor = processor
        self.service = service
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let remote = envelope.remoteAddress
        let handling = processor.receive(
            Array(envelope.data.readableBytesView), from: remote.ipAddress ?? "", port: remote.port ?? 0,
            service: service)
        switch handling {
        case .done(let reply):
            // Answered on the event loop itself: no thread hand-off on the Access-Request path.
            guard let reply else { return }
            context.write(
                wrapOutboundOut(
                    AddressedEnvelope(remoteAddress: remote, data: context.channel.allocator.buffer(bytes: reply))),
                promise: nil)
            unflushed = true
        case .accounting(let work):
            // Accounting writes to the store: done off the event loop.
            let channel = context.channel
            Task {
                guard let reply = await work.run() else { return }
                let out = AddressedEnvelope(remoteAddress: remote, data: channel.allocator.buffer(bytes: reply))
                channel.writeAndFlush(out, promise: nil)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }
}
