import Foundation
import HotspotPayCore
import Testing
import Webhooks

#if canImport(Glibc)
    import Glibc
#endif

/// The sender connects to the address the guard checked, not to a second resolution of the name
/// (which DNS rebinding could point at an internal host).
@Suite struct PinnedAddressTests {
    /// A TCP listener on 127.0.0.1 that keeps the first bytes of the first connection.
    final class FirstBytes: @unchecked Sendable {
        let socket: Int32
        let port: Int
        private let lock = NSLock()
        private var received: [UInt8] = []

        init() throws {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.socket = socket
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
            }
            listen(socket, 4)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
            }
            port = Int(UInt16(bigEndian: address.sin_port))
            Thread.detachNewThread { [self] in
                let socket = self.socket
                let connection = accept(socket, nil, nil)
                guard connection >= 0 else { return }
                var buffer = [UInt8](repeating: 0, count: 2048)
                let count = read(connection, &buffer, buffer.count)
                lock.withLock { received = Array(buffer.prefix(max(0, count))) }
                close(connection)
            }
        }

        var bytes: [UInt8] { lock.withLock { received } }
        deinit { close(socket) }
    }

    @Test func anHTTPSWebhookGoesToTheCheckedAddressWithItsNameInTheTLSHandshake() async throws {
        let listener = try FirstBytes()
        // The name resolves nowhere (.invalid): only the checked address can be reached.
        let response = await HTTPWebhookSender().post(
            WebhookRequest(
                url: "https://hooks.rebind.invalid:\(listener.port)/x", address: try IPAddress("127.0.0.1"),
                headers: [:], body: Array("{}".utf8), timeoutSeconds: 2))
        #expect(response.statusCode == nil)
        // The listener saw a TLS ClientHello (0x16 0x03) naming the host (SNI).
        let bytes = listener.bytes
        #expect(bytes.first == 0x16, "\(bytes.prefix(8))")
        #expect(String(decoding: bytes, as: UTF8.self).contains("hooks.rebind.invalid"))
    }
}
