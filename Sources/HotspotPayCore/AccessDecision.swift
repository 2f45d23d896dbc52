import struct Foundation.Date

/// What the RADIUS server answers a device's Access-Request (DESIGN.md, "Unlock strategies"):
/// a device with time and data left gets its paid attributes; one without gets the router's
/// captive attributes (strategy `coa`) or is rejected (strategy `login`).
public enum AccessDecision: Hashable, Sendable {
    case accept([RadiusAttribute])
    case reject(reason: String)

    /// How often the router reports usage, so data caps are enforced within this many seconds.
    public static let interimIntervalSeconds: Int64 = 300

    public static func decide(grant: Grant?, router: Router, now: Date) -> AccessDecision {
        if let grant, grant.status == .active, !grant.isExhausted(at: now) {
            return .accept(paidAttributes(grant, router: router, now: now))
        }
        switch router.strategy {
        case .coa: return .accept(router.captiveAttributes)
        case .login: return .reject(reason: grant == nil ? "no paid access" : "paid access used up")
        }
    }

    /// Session-Timeout = seconds left, the plan's rate, the data left (RouterOS splits byte
    /// counts above 4 GiB into a gigawords attribute), the interim interval, then the router's
    /// own paid attributes.
    public static func paidAttributes(_ grant: Grant, router: Router, now: Date) -> [RadiusAttribute] {
        var attributes = [RadiusAttribute(name: "Session-Timeout", value: String(grant.secondsLeft(at: now)))]
        if let rate = grant.rateLimit {
            attributes.append(RadiusAttribute(name: "Mikrotik-Rate-Limit", value: rate.mikrotikRateLimit))
        }
        if let bytes = grant.dataRemainingBytes {
            let left = max(bytes, 1)
            attributes.append(RadiusAttribute(name: "Mikrotik-Total-Limit", value: String(left & 0xFFFF_FFFF)))
            if left >> 32 > 0 {
                attributes.append(RadiusAttribute(name: "Mikrotik-Total-Limit-Gigawords", value: String(left >> 32)))
            }
        }
        attributes.append(RadiusAttribute(name: "Acct-Interim-Interval", value: String(interimIntervalSeconds)))
        return attributes + router.paidAttributes
    }
}
