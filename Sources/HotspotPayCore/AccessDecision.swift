import struct Foundation.Date

/// What the RADIUS server answers a device's Access-Request (docs/ARCHITECTURE.md, "Unlock strategies"):
/// a device with time and data left gets its paid attributes; one without gets the router's
/// captive attributes (strategy `coa`) or is rejected (strategy `login`).
public enum AccessDecision: Hashable, Sendable {
    case accept([RadiusAttribute])
    case reject(reason: String)

    /// How often the router reports usage, so data caps are enforced within this many seconds.
    public static let interimIntervalSeconds: Int64 = 300

    /// What the device presented as a password, checked against its grant's login secrets.
    public enum Login: Hashable, Sendable {
        /// No User-Password or CHAP-Password (MAC authentication).
        case none
        case matched
        case mismatched
        /// The router authenticating the device by its MAC (`login-by=mac`), as it retries after
        /// `login-timeout`: how a paid device gets online when no browser logs it in.
        case macAuthentication
    }

    /// On a `coa` router the MAC alone decides. On a `login` router an unpaid device is always
    /// refused; a paid one is accepted when it presents one of its login secrets (PAP or CHAP, the
    /// browser's login) or when the router authenticates it by MAC (its MAC-auth retry). A wrong
    /// password is refused.
    public static func decide(grant: Grant?, router: Router, now: Date, login: Login = .none) -> AccessDecision {
        let paid = grant.map { $0.status == .active && !$0.isExhausted(at: now) } ?? false
        switch router.strategy {
        case .coa:
            guard let grant, paid else { return .accept(router.captiveAttributes) }
            return .accept(paidAttributes(grant, router: router, now: now))
        case .login:
            guard let grant else { return .reject(reason: "no paid access") }
            guard paid else { return .reject(reason: "paid access used up") }
            switch login {
            case .matched, .macAuthentication: return .accept(paidAttributes(grant, router: router, now: now))
            case .none: return .reject(reason: "login strategy needs the password from the portal, none sent")
            case .mismatched: return .reject(reason: "wrong login password")
            }
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

    /// The paid attributes a CoA may carry (``RouterOSCoA/changeable``): the time left, the rate
    /// and the router's own; the data cap and interim interval wait for the next authentication.
    public static func coaAttributes(_ grant: Grant, router: Router, now: Date) -> [RadiusAttribute] {
        RouterOSCoA.filter(paidAttributes(grant, router: router, now: now))
    }
}
