import Crypto
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A venue system's webhook endpoint on 127.0.0.1, written from the documented contract alone (no
/// code of the daemon's): it checks every `X-Hotspotpay-Signature` itself with HMAC-SHA256 of
/// "<t>.<body>" and the 5-minute tolerance, and answers as the test scripts it — a status, a
/// stall (read the request, never answer), or down (nothing listening on its port).
public final class WebhookReceiver: Sendable {
    public enum Mode: Sendable, Equatable {
        case answer(Int)
        case stall
        case down
    }

    public struct Received: Sendable {
        public var headers: [String: String]
        public var body: Data
        public var at: Date
        /// The signature verified independently with the endpoint's secret.
        public var signatureValid: Bool
        /// The status it was answered with; nil when it was stalled (or refused).
        public var answeredWith: Int?
        public var eventID: String? { headers["x-hotspotpay-event-id"] }
        public var eventType: String? { headers["x-hotspotpay-event"] }
        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
    }

    public let port: Int
    public let secret: String
    private let state = Mutex<(received: [Received], mode: Mode, socket: Int32, stalled: [Int32])>(([], .down, -1, []))

    public init(secret: String, port: Int? = nil, mode: Mode = .answer(200)) throws {
        self.secret = secret
        self.port = try port ?? LocalPort.free(.tcp)
        setMode(mode)
    }

    deinit { setMode(.down) }

    public var url: String { "http://127.0.0.1:\(port)/hooks" }
    public var received: [Received] { state.withLock { $0.received } }

    /// Switches behaviour; `down` closes the listening socket (connections are refused), anything
    /// else listens again on the same port.
    public func setMode(_ mode: Mode) {
        let (old, stalled): (Int32, [Int32]) = state.withLock { state in
            state.mode = mode
            let old = state.socket
            let stalled = mode == .stall ? [] : state.stalled
            if mode == .down { state.socket = -1 }
            if mode != .stall { state.stalled = [] }
            return (mode == .down ? old : -1, stalled)
        }
        for descriptor in stalled { close(descriptor) }
        if old >= 0 {
            shutdown(old, Int32(SHUT_RDWR))
            close(old)
        }
        if mode != .down && state.withLock({ $0.socket }) < 0 { listen() }
    }

    /// Waits until `count` requests arrived (or `timeout` passed) and returns what arrived.
    public func waitFor(count: Int, timeout: TimeInterval = 20) async -> [Received] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, received.count < count { try? await Task.sleep(for: .milliseconds(25)) }
        return received
    }

    private func listen() {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else {
            close(fd)
            return
        }
        state.withLock { $0.socket = fd }
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                Thread.detachNewThread { [self] in serve(client) }
            }
        }
    }

    private func serve(_ client: Int32) {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Range<Data.Index>?
        var headers: [String: String] = [:]
        while true {
            if headerEnd == nil, let end = data.range(of: Data("\r\n\r\n".utf8)) {
                headerEnd = end
                let lines = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                        .trimmingCharacters(in: .whitespaces)
                }
            }
            if let end = headerEnd, data.count - end.upperBound >= Int(headers["content-length"] ?? "0") ?? 0 { break }
            let count = recv(client, &buffer, buffer.count, 0)
            guard count > 0 else {
                close(client)
                return
            }
            data.append(contentsOf: buffer[0..<count])
        }
        let body = Data(data[headerEnd!.upperBound...])
        var received = Received(
            headers: headers, body: body, at: Date(), signatureValid: verify(headers["x-hotspotpay-signature"], body))
        let mode = state.withLock { state -> Mode in
            if case .answer(let status) = state.mode { received.answeredWith = status }
            state.received.append(received)
            if state.mode == .stall { state.stalled.append(client) }
            return state.mode
        }
        guard case .answer(let status) = mode else { return }  // stalled: closed by the next mode change
        let text = status < 300 ? "ok" : "not today"
        let reply = "HTTP/1.1 \(status) X\r\nContent-Length: \(text.utf8.count)\r\nConnection: close\r\n\r\n\(text)"
        _ = reply.utf8CString.withUnsafeBufferPointer { send(client, $0.baseAddress, $0.count - 1, 0) }
        close(client)
    }

    /// The documented check: t within 300 s of now, and one v1 equal to the HMAC of "t.body".
    private func verify(_ header: String?, _ body: Data) -> Bool {
        guard let header else { return false }
        var timestamp: Int64?
        var candidates: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1" { candidates.append(String(pair[1])) }
        }
        guard let timestamp, abs(Int64(Date().timeIntervalSince1970) - timestamp) <= 300 else { return false }
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        let expected = mac.map { String(format: "%02x", $0) }.joined()
        return candidates.contains(expected)
    }
}
