/// How a router answered a CoA-Request or Disconnect-Request.
public enum CoAResult: Sendable, Hashable {
    /// CoA-ACK / Disconnect-ACK.
    case acknowledged
    /// CoA-NAK / Disconnect-NAK with its Error-Cause (RFC 5176 §3.5), e.g. 503 Session Context
    /// Not Found, when the router gave one.
    case refused(errorCause: Int?)
    /// No verified answer after every retransmission.
    case timedOut(attempts: Int)
}

/// RFC 5080 retransmission: the same datagram from the same socket, with the wait doubling
/// from `initial` up to `maximum`, at most `attempts` sends and `total` seconds overall.
public struct RetransmissionPolicy: Sendable, Hashable {
    public var initialSeconds: Double
    public var maximumSeconds: Double
    public var attempts: Int
    public var totalSeconds: Double

    public init(initialSeconds: Double = 2, maximumSeconds: Double = 16, attempts: Int = 5, totalSeconds: Double = 30) {
        self.initialSeconds = initialSeconds
        self.maximumSeconds = maximumSeconds
        self.attempts = attempts
        self.totalSeconds = totalSeconds
    }

    /// The wait after send number `attempt` (1-based), with ±10 % jitter.
    func wait(after attempt: Int) -> Double {
        let base = min(maximumSeconds, initialSeconds * Double(1 << min(attempt - 1, 16)))
        return base * Double.random(in: 0.9...1.1)
    }
}
