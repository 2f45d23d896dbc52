import Foundation

/// Event-Timestamp (attribute 55, RFC 5176 §3.3 and RFC 2869 §5.3): the sender's clock as Unix
/// seconds. CoA and Disconnect requests carry it so a router can refuse a recorded request
/// replayed later; anything we receive that carries one is checked against the same window.
public enum EventTimestamp {
    /// RFC 5176 recommends 300 seconds.
    public static let windowSeconds: Double = 300

    static let type: UInt8 = 55
    static let acctDelayTimeType: UInt8 = 41

    /// The attribute as we send it (libfreeradius reads whole seconds for a date attribute).
    public static func attribute(at date: Date) -> RadiusPacket.Attribute {
        .init(name: "Event-Timestamp", value: String(UInt32(clamping: Int64(date.timeIntervalSince1970))))
    }

    /// Why the datagram's Event-Timestamp is outside the window at `now`; nil when it has none
    /// or it is fresh. Acct-Delay-Time, when present, is how long the sender has been retrying,
    /// so it is added to the event's time.
    public static func staleness(of datagram: [UInt8], now: Date, window: Double = windowSeconds) -> String? {
        guard let stamp = value(datagram, type: type) else { return nil }
        let delay = value(datagram, type: acctDelayTimeType) ?? 0
        let skew = now.timeIntervalSince1970 - (Double(stamp) + Double(delay))
        guard abs(skew) > window else { return nil }
        return skew > 0
            ? "Event-Timestamp is \(Int(skew)) s old (more than \(Int(window)) s: a replay, or the sender's clock is wrong)"
            : "Event-Timestamp is \(Int(-skew)) s in the future (the sender's clock is wrong)"
    }

    /// The first top-level 4-octet attribute `type` of a well-formed datagram.
    static func value(_ datagram: [UInt8], type wanted: UInt8) -> UInt32? {
        guard datagram.count >= 20 else { return nil }
        let length = min(datagram.count, Int(datagram[2]) << 8 | Int(datagram[3]))
        var offset = 20
        while offset + 2 <= length {
            let type = datagram[offset]
            let size = Int(datagram[offset + 1])
            guard size >= 2, offset + size <= length else { return nil }
            if type == wanted {
                guard size == 6 else { return nil }
                return datagram[(offset + 2)..<(offset + 6)].reduce(0) { $0 << 8 | UInt32($1) }
            }
            offset += size
        }
        return nil
    }
}
