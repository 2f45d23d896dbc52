import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// UDP sockets, one per event loop, sharing one RADIUS port (`SO_REUSEPORT`), with a classic
/// BPF program that hands each datagram to socket `identifier % count`.
///
/// Why the identifier and not the kernel's default (a hash of the source address and port): a
/// venue's router sends everything from one address and port, so the default would give all of
/// it to one socket and leave the other cores idle. Identifiers of one router's requests advance
/// one by one, so they spread evenly; a retransmission carries the same identifier, so it reaches
/// the same socket as the original (the duplicate cache is shared anyway).
enum RadiusSocketGroup {
    /// Binds `count` sockets to `host:port` (port 0: one free port for all of them).
    /// Fails with ``RadiusBindError`` if anything already listens there, including another
    /// process that also uses `SO_REUSEPORT`, which would otherwise silently share the port.
    static func bind(host: String, port: Int, count: Int) throws(RadiusBindError) -> [NIOBSDSocket.Handle] {
        let address: SocketAddress
        do { address = try SocketAddress.makeAddressResolvingHost(host, port: port) } catch {
            throw RadiusBindError(host: host, port: port, reason: "not an address this machine can bind: \(error)")
        }
        // A plain bind first: it fails when the port is taken, by anyone, and for port 0 it
        // tells us which free port the group will share.
        let probe = try socket(for: address, host: host, port: port)
        let chosen: Int
        do {
            try bind(probe, to: address, host: host, port: port)
            chosen = try localPort(probe, host: host, port: port)
        } catch {
            close(probe)
            throw error
        }
        close(probe)
        let shared = (try? SocketAddress.makeAddressResolvingHost(host, port: chosen)) ?? address
        var sockets: [NIOBSDSocket.Handle] = []
        do throws(RadiusBindError) {
            for _ in 0..<max(count, 1) {
                let descriptor = try socket(for: shared, host: host, port: chosen)
                sockets.append(descriptor)
                try set(descriptor, SO_REUSEPORT, 1, host: host, port: chosen)
                try bind(descriptor, to: shared, host: host, port: chosen)
            }
            if sockets.count > 1 {
                try attachIdentifierSpread(sockets[0], count: sockets.count, host: host, port: chosen)
            }
        } catch {
            for descriptor in sockets { close(descriptor) }
            throw error
        }
        return sockets
    }

    private static func socket(for address: SocketAddress, host: String, port: Int) throws(RadiusBindError)
        -> NIOBSDSocket.Handle
    {
        let family = address.protocol == .inet6 ? AF_INET6 : AF_INET
        let descriptor = Glibc.socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw RadiusBindError(host: host, port: port, reason: errorText()) }
        return descriptor
    }

    private static func bind(_ descriptor: NIOBSDSocket.Handle, to address: SocketAddress, host: String, port: Int)
        throws(RadiusBindError)
    {
        let result = address.withSockAddr { pointer, size in Glibc.bind(descriptor, pointer, socklen_t(size)) }
        guard result == 0 else {
            let reason =
                errno == EADDRINUSE
                ? "the port is in use (another hotspotpay, or FreeRADIUS, already listening?)" : errorText()
            throw RadiusBindError(host: host, port: port, reason: reason)
        }
    }

    private static func localPort(_ descriptor: NIOBSDSocket.Handle, host: String, port: Int) throws(RadiusBindError)
        -> Int
    {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { throw RadiusBindError(host: host, port: port, reason: errorText()) }
        // sin_port and sin6_port sit at the same offset.
        let bigEndian: in_port_t = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port }
        }
        return Int(in_port_t(bigEndian: bigEndian))
    }

    private static func set(_ descriptor: NIOBSDSocket.Handle, _ option: Int32, _ value: Int32, host: String, port: Int)
        throws(RadiusBindError)
    {
        var value = value
        guard setsockopt(descriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw RadiusBindError(host: host, port: port, reason: errorText())
        }
    }

    /// `A = payload[1]` (the RADIUS identifier; the kernel starts reuseport programs after the
    /// UDP header), `A = A % count`, `return A`: the index of the socket in the group.
    private static func attachIdentifierSpread(_ descriptor: NIOBSDSocket.Handle, count: Int, host: String, port: Int)
        throws(RadiusBindError)
    {
        // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }, from <linux/filter.h>.
        let program: [(code: UInt16, k: UInt32)] = [
            (0x30, 1),  // BPF_LD | BPF_B | BPF_ABS
            (0x94, UInt32(count)),  // BPF_ALU | BPF_MOD | BPF_K
            (0x16, 0),  // BPF_RET | BPF_A
        ]
        let filter = UnsafeMutableRawPointer.allocate(byteCount: 8 * program.count, alignment: 8)
        defer { filter.deallocate() }
        for (index, instruction) in program.enumerated() {
            filter.storeBytes(of: instruction.code, toByteOffset: index * 8, as: UInt16.self)
            filter.storeBytes(of: 0, toByteOffset: index * 8 + 2, as: UInt16.self)
            filter.storeBytes(of: instruction.k, toByteOffset: index * 8 + 4, as: UInt32.self)
        }
        // struct sock_fprog { unsigned short len; struct sock_filter *filter; } (pointer at 8).
        let fprog = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 8)
        defer { fprog.deallocate() }
        fprog.initializeMemory(as: UInt8.self, repeating: 0, count: 16)
        fprog.storeBytes(of: UInt16(program.count), as: UInt16.self)
        fprog.storeBytes(of: filter, toByteOffset: 8, as: UnsafeMutableRawPointer.self)
        let soAttachReuseportCBPF: Int32 = 51
        guard setsockopt(descriptor, SOL_SOCKET, soAttachReuseportCBPF, fprog, 16) == 0 else {
            throw RadiusBindError(host: host, port: port, reason: "attaching the spread program: \(errorText())")
        }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}

/// The RADIUS port could not be opened; says where and why.
public struct RadiusBindError: Error, CustomStringConvertible, Sendable {
    public let host: String
    public let port: Int
    public let reason: String

    public var description: String { "cannot listen for RADIUS on \(host):\(port): \(reason)" }
}
