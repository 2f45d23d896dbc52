import Foundation
import Radius
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A closed-loop Access-Request load generator: `sockets` UDP sockets (one thread each), each
/// keeping `window` requests in flight and sending a new one, with a fresh authenticator and a
/// random MAC, as soon as a reply arrives. The same generator drives every server compared.
struct RadiusLoad: Sendable {
    var port: Int
    var secret: String
    var macs: [String]
    var sockets = 2
    var window = 64
    var warmupSeconds = 1.0
    var seconds = 10.0

    struct Result {
        var replies = 0
        var accepts = 0
        var rejects = 0
        /// Requests not answered within a second (resent as new requests).
        var lost = 0
        /// Sampled replies whose authenticator or attributes did not check out.
        var badReplies = 0
        var latenciesMs: [Double] = []
        var seconds = 0.0
        var sample: [String] = []

        var perSecond: Double { Double(replies) / seconds }
        var latency: Latencies { Latencies(latenciesMs) }

        mutating func merge(_ other: Result) {
            replies += other.replies
            accepts += other.accepts
            rejects += other.rejects
            lost += other.lost
            badReplies += other.badReplies
            latenciesMs += other.latenciesMs
            seconds = max(seconds, other.seconds)
            if sample.isEmpty { sample = other.sample }
        }
    }

    func run() -> Result {
        let results = Mutex<Result>(Result())
        let done = DispatchGroup()
        for _ in 0..<sockets {
            done.enter()
            Thread.detachNewThread { [self] in
                let result = drive()
                results.withLock { $0.merge(result) }
                done.leave()
            }
        }
        done.wait()
        return results.withLock { $0 }
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    private func drive() -> Result {
        var result = Result()
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var bufferSize: Int32 = 4 << 20
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &bufferSize, socklen_t(MemoryLayout<Int32>.size))

        var sentAt = [UInt64](repeating: 0, count: 256)
        var requests = [[UInt8]](repeating: [], count: 256)
        var generator = SystemRandomNumberGenerator()
        func send(_ identifier: Int) {
            let mac = macs.randomElement(using: &generator)!
            guard
                let packet = try? RadiusCodec.encodeRequest(
                    .accessRequest, identifier: UInt8(identifier),
                    attributes: [
                        .init(name: "User-Name", value: mac), .init(name: "Calling-Station-Id", value: mac),
                        .init(name: "NAS-Identifier", value: "bench"),
                    ], secret: secret, messageAuthenticator: true)
            else { fatalError("cannot encode a request") }
            requests[identifier] = packet
            sentAt[identifier] = Self.now()
            _ = packet.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
        }

        let start = Self.now()
        let measureFrom = start + UInt64(warmupSeconds * 1e9)
        let end = measureFrom + UInt64(seconds * 1e9)
        for identifier in 0..<min(window, 256) { send(identifier) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var received = 0
        while true {
            let now = Self.now()
            if now >= end { break }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, 4096, 0) }
            let arrived = Self.now()
            if count >= 20 {
                let identifier = Int(buffer[1])
                guard sentAt[identifier] != 0 else { continue }
                received += 1
                if arrived >= measureFrom {
                    result.replies += 1
                    if buffer[0] == 2 { result.accepts += 1 } else if buffer[0] == 3 { result.rejects += 1 }
                    result.latenciesMs.append(Double(arrived - sentAt[identifier]) / 1e6)
                }
                // Check one reply in 500 fully: authenticator, Message-Authenticator, attributes.
                if received % 500 == 1 {
                    let reply = Array(buffer[0..<count])
                    if let decoded = try? RadiusCodec.decodeResponse(reply, to: requests[identifier], secret: secret) {
                        if result.sample.isEmpty { result.sample = decoded.attributes.map(\.description) }
                    } else {
                        result.badReplies += 1
                    }
                }
                send(identifier)
            }
            if count < 20 || received % 1000 == 0 {
                for identifier in 0..<min(window, 256)
                where sentAt[identifier] != 0 && arrived > sentAt[identifier] + 1_000_000_000 {
                    if arrived >= measureFrom { result.lost += 1 }
                    send(identifier)
                }
            }
        }
        result.seconds = seconds
        return result
    }
}
