import Testing

@testable import Radius

#if canImport(Glibc)
    import Glibc
#endif

/// The RADIUS port's sockets: requests from one source spread by identifier over all of them,
/// and a port someone else holds is refused with a readable error.
@Suite struct RadiusSocketGroupTests {
    /// Sends a minimal datagram (code, identifier, length) from one socket to `port`.
    static func send(identifier: UInt8, from descriptor: Int32, to port: Int) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let packet: [UInt8] = [1, identifier, 0, 20] + Array(repeating: 0, count: 16)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { target in
                packet.withUnsafeBytes {
                    sendto(descriptor, $0.baseAddress, $0.count, 0, target, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// Every identifier waiting on `descriptor` (waits up to a second for the first).
    static func identifiers(on descriptor: Int32, expecting count: Int) -> [UInt8] {
        var found: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while found.count < count {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 1000) == 1 else { break }
            let length = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if length >= 2 { found.append(buffer[1]) }
        }
        return found
    }

    static func port(of descriptor: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(in_port_t(bigEndian: address.sin_port))
    }

    @Test func requestsFromOneRouterAreSpreadOverEverySocketByIdentifier() throws {
        let sockets = try RadiusSocketGroup.bind(host: "127.0.0.1", port: 0, count: 3)
        defer { for socket in sockets { close(socket) } }
        #expect(sockets.count == 3)
        let port = Self.port(of: sockets[0])
        #expect(sockets.allSatisfy { Self.port(of: $0) == port })
        // One router: one source address and port for every request.
        let router = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(router) }
        for identifier in UInt8(0)..<30 { Self.send(identifier: identifier, from: router, to: port) }
        for (index, socket) in sockets.enumerated() {
            let received = Self.identifiers(on: socket, expecting: 10)
            #expect(received.sorted() == (0..<30).map(UInt8.init).filter { Int($0) % 3 == index }, "socket \(index)")
        }
    }

    @Test func aPortAlreadyInUseIsRefusedEvenWhenTheOtherSocketSharesPorts() throws {
        let first = try RadiusSocketGroup.bind(host: "127.0.0.1", port: 0, count: 2)
        defer { for socket in first { close(socket) } }
        let port = Self.port(of: first[0])
        // Another hotspotpay (same user, SO_REUSEPORT too) must not quietly take half the traffic.
        #expect {
            try RadiusSocketGroup.bind(host: "127.0.0.1", port: port, count: 2)
        } throws: { error in
            "\(error)".contains("127.0.0.1:\(port)") && "\(error)".contains("in use")
        }
        #expect(throws: RadiusBindError.self) {
            try RadiusSocketGroup.bind(host: "not an address", port: 1812, count: 1)
        }
    }
}
