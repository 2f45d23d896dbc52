import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Sends prepared HTTP/1.1 requests as fast as `connections` keep-alive connections carry
/// them: one thread per connection, blocking sockets, the bytes of each request built before
/// the clock starts. Far lighter than an HTTP client library, so on a machine the generator
/// shares with the daemon, more of the cores go to the daemon being measured. With several
/// ports (nodes behind a proxy) the connections are spread over them and each takes the next
/// request when its node has answered, so a faster node takes more.
struct HTTPBurst: Sendable {
    struct Request: Sendable {
        /// Recorded with the send time (the callback token).
        var key: String
        var bytes: [UInt8]
    }

    var ports: [Int]
    var connections: Int

    init(ports: [Int], connections: Int) {
        self.ports = ports
        self.connections = connections
    }

    struct Result {
        var seconds: Double
        var failures: [String]
        /// Key → when the request left (ms since 1970).
        var sent: [String: Int64]
    }

    static func post(path: String, host: String, json: [UInt8]) -> [UInt8] {
        let head =
            "POST \(path) HTTP/1.1\r\nHost: \(host)\r\nContent-Type: application/json\r\nContent-Length: \(json.count)\r\n\r\n"
        return Array(head.utf8) + json
    }

    func run(_ requests: [Request]) throws -> Result {
        let next = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        let sent = Mutex<[String: Int64]>([:])
        var descriptors: [Int32] = []
        for index in 0..<max(1, min(connections, requests.count)) {
            descriptors.append(try connect(port: ports[index % ports.count]))
        }
        defer { for descriptor in descriptors { close(descriptor) } }
        let done = DispatchGroup()
        let start = Date()
        for descriptor in descriptors {
            done.enter()
            Thread.detachNewThread {
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let index = next.add(1, ordering: .relaxed).oldValue
                    guard index < requests.count else { break }
                    let request = requests[index]
                    let at = Int64(Date().timeIntervalSince1970 * 1000)
                    sent.withLock { $0[request.key] = at }
                    if let problem = Self.exchange(request.bytes, on: descriptor, buffer: &buffer) {
                        failures.withLock { $0.append(problem) }
                    }
                }
                done.leave()
            }
        }
        done.wait()
        return Result(
            seconds: Date().timeIntervalSince(start), failures: failures.withLock { $0 }, sent: sent.withLock { $0 })
    }

    private func connect(port: Int) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(descriptor)
            throw BenchError("cannot connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return descriptor
    }

    /// Writes one request and reads its whole response; nil when the status is 2xx.
    private static func exchange(_ request: [UInt8], on descriptor: Int32, buffer: inout [UInt8]) -> String? {
        var written = 0
        while written < request.count {
            let count = request.withUnsafeBytes { send(descriptor, $0.baseAddress! + written, $0.count - written, 0) }
            guard count > 0 else { return "send failed: \(String(cString: strerror(errno)))" }
            written += count
        }
        var received = 0
        var headerEnd: Int?
        while true {
            if received == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let count = buffer.withUnsafeMutableBytes {
                recv(descriptor, $0.baseAddress! + received, $0.count - received, 0)
            }
            guard count > 0 else { return "connection closed mid-response" }
            received += count
            if headerEnd == nil { headerEnd = find([13, 10, 13, 10], in: buffer, upTo: received) }
            guard let end = headerEnd else { continue }
            let head = String(decoding: buffer[0..<end], as: UTF8.self).lowercased()
            let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
            let bodyStart = end + 4
            if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
            {
                guard received >= bodyStart + length else { continue }
            } else if head.contains("transfer-encoding: chunked") {
                guard find(Array("0\r\n\r\n".utf8), in: buffer, upTo: received, from: bodyStart) != nil else {
                    continue
                }
            }
            return (200..<300).contains(status)
                ? nil : "answered \(status): \(String(decoding: buffer[bodyStart..<received], as: UTF8.self))"
        }
    }

    private static func find(_ needle: [UInt8], in buffer: [UInt8], upTo limit: Int, from start: Int = 0) -> Int? {
        guard limit >= needle.count else { return nil }
        var index = start
        while index + needle.count <= limit {
            if buffer[index] == needle[0] && Array(buffer[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }
}
