import Crypto
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A router's `/radius incoming` port whose answers a test scripts packet by packet: ACK, NAK
/// with an Error-Cause, or silence, chosen from the request and how many times this very
/// datagram (same identifier and authenticator) has been seen. Written from RFC 5176 alone, with
/// no code of the daemon's, so it can disagree with it. It can also throw arbitrary datagrams at
/// any UDP port, as a hostile host on the venue's network would.
public final class ScriptedRouter: Sendable {
    /// One datagram that arrived.
    public struct Received: Sendable {
        public var code: UInt8
        public var identifier: UInt8
        /// 1 for the first copy, 2 for the first retransmission, …
        public var copy: Int
        public var at: Date
        /// (type, value) in order; vendor-specific attributes stay whole.
        public var attributes: [(type: UInt8, value: [UInt8])]

        public func string(_ type: UInt8) -> String? {
            attributes.first { $0.type == type }.map { String(decoding: $0.value, as: UTF8.self) }
        }
    }

    /// What to answer.
    public enum Answer: Sendable {
        case ack
        /// An ACK carrying Event-Timestamp (Unix seconds).
        case ackStamped(UInt32)
        case nak(errorCause: UInt32?)
        case silence
    }

    public let port: Int
    private let socket: Int32
    private let secret: [UInt8]
    private let script: @Sendable (Received) -> Answer
    private let state = Mutex<(received: [Received], copies: [String: Int], stopped: Bool)>(([], [:], false))

    public init(secret: String, script: @escaping @Sendable (Received) -> Answer) throws {
        self.secret = Array(secret.utf8)
        self.script = script
        let fd = Glibc.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        socket = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    deinit { close(socket) }

    public func stop() { state.withLock { $0.stopped = true } }

    public var received: [Received] { state.withLock { $0.received } }

    private func serve() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !state.withLock({ $0.stopped }) {
            var from = sockaddr_in()
            var fromLength = socklen_t(MemoryLayout<sockaddr_in>.size)
            let count = withUnsafeMutablePointer(to: &from) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(socket, &buffer, 4096, 0, $0, &fromLength)
                }
            }
            guard count >= 20 else { continue }
            let bytes = Array(buffer[0..<count])
            let length = Int(bytes[2]) << 8 | Int(bytes[3])
            guard length >= 20, length <= count else { continue }
            let key = bytes[1...19].map { String($0) }.joined(separator: ",")
            var attributes: [(type: UInt8, value: [UInt8])] = []
            var offset = 20
            while offset + 2 <= length {
                let size = Int(bytes[offset + 1])
                guard size >= 2, offset + size <= length else { break }
                attributes.append((bytes[offset], Array(bytes[(offset + 2)..<(offset + size)])))
                offset += size
            }
            let received = state.withLock { state -> Received in
                state.copies[key, default: 0] += 1
                let received = Received(
                    code: bytes[0], identifier: bytes[1], copy: state.copies[key]!, at: Date(), attributes: attributes)
                state.received.append(received)
                return received
            }
            let answer = script(received)
            let ack: UInt8 = bytes[0] == 43 ? 44 : 41
            var reply: [UInt8]
            switch answer {
            case .silence: continue
            case .ack: reply = [ack, bytes[1], 0, 0]
            case .ackStamped(let seconds):
                reply = [ack, bytes[1], 0, 0, 55, 6] + withUnsafeBytes(of: seconds.bigEndian, Array.init)
            case .nak(let cause):
                reply = [ack + 1, bytes[1], 0, 0]
                if let cause { reply += [101, 6] + withUnsafeBytes(of: cause.bigEndian, Array.init) }
            }
            reply.insert(contentsOf: bytes[4..<20], at: 4)
            reply[2] = UInt8(reply.count >> 8)
            reply[3] = UInt8(reply.count & 0xFF)
            // RFC 2865 §3: MD5(Code+ID+Length+RequestAuth+Attributes+Secret).
            let digest = Insecure.MD5.hash(data: reply + secret)
            reply.replaceSubrange(4..<20, with: Array(digest))
            _ = withUnsafePointer(to: &from) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(socket, reply, reply.count, 0, $0, fromLength)
                }
            }
        }
    }

    /// Sends `datagram` from this socket to 127.0.0.1:`port`.
    public func throwDatagram(_ datagram: [UInt8], toPort port: Int) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(socket, datagram, datagram.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }
}
