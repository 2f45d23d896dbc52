import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

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
        let acct = try await bind(accounting, service: .accounting)
        let authPort = auth.localAddress?.port ?? 0
        let acctPort = acct.localAddress?.port ?? 0
        logger.info("RADIUS listening", metadata: ["auth": "\(authPort)", "acct": "\(acctPort)"])
        onBound(authPort, acctPort)
        try? await gracefulShutdown()
        try? await auth.close()
        try? await acct.close()
    }

    private func bind(_ address: Address, service: RadiusRequestProcessor.Service) async throws -> any Channel {
        let processor = self.processor
        return try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        RadiusDatagramHandler(processor: processor, service: service))
                }
            }
            .bind(host: address.host, port: address.port).get()
    }
}

/// Hands each datagram to the processor and writes the reply, if any, back to the sender from
/// the same socket.
final class RadiusDatagramHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    let processor: RadiusRequestProcessor
    let service: RadiusRequestProcessor.Service

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
            context.writeAndFlush(
                wrapOutboundOut(
                    AddressedEnvelope(remoteAddress: remote, data: context.channel.allocator.buffer(bytes: reply))),
                promise: nil)
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
}
