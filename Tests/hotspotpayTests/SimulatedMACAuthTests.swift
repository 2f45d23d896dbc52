import Foundation
import HotspotSimulator
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The simulated router's MAC authentication as RouterOS sends it (`mac-auth-mode=mac-as-username`):
/// the MAC as User-Name and a blank password, so User-Password (type 2) is present and empty.
@Suite struct SimulatedMACAuthTests {
    @Test func aMACAuthenticationCarriesAnEmptyUserPassword() async throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        var wait = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let port = Int(UInt16(bigEndian: address.sin_port))
        let hotspot = try await SimulatedHotspot.start(
            .init(nasIdentifier: "sim", secret: "s3cret-radius", authPort: port, accountingPort: port), coaPort: 0)
        await hotspot.deviceAppears(mac: "F2:00:00:00:31:01", ip: "10.5.50.31")
        var packet = [UInt8](repeating: 0, count: 4096)
        let count = recv(socket, &packet, packet.count, 0)
        await hotspot.stop()
        #expect(count > 20 && packet[0] == 1, "an Access-Request")
        // Walk the attributes after the 20-byte header.
        var attributes: [UInt8: [UInt8]] = [:]
        var index = 20
        while index + 2 <= count, packet[index + 1] >= 2, index + Int(packet[index + 1]) <= count {
            attributes[packet[index]] = Array(packet[(index + 2)..<(index + Int(packet[index + 1]))])
            index += Int(packet[index + 1])
        }
        #expect(String(decoding: attributes[1] ?? [], as: UTF8.self).uppercased().contains("F2"), "User-Name")
        // Present, one block of hidden padding: an empty password.
        #expect(attributes[2]?.count == 16, "User-Password: \(String(describing: attributes[2]))")
    }
}
