import Foundation

/// The checkout's rate limits: per device (MAC) and per client address, checked before a
/// transaction is created by the portal form or the API. Both limits count every attempt.
public struct CheckoutThrottle: Sendable {
    let perDevice: RequestThrottle
    let perAddress: RequestThrottle

    /// Defaults: 10 purchases per device and 300 per address (a MikroTik hotspot often NATs all
    /// guests to one address) in 10 minutes.
    public init(
        perDevice: RequestThrottle.Limit = .init(attempts: 10, windowSeconds: 600),
        perAddress: RequestThrottle.Limit = .init(attempts: 300, windowSeconds: 600)
    ) {
        self.perDevice = RequestThrottle(perDevice)
        self.perAddress = RequestThrottle(perAddress)
    }

    /// nil when allowed, else the seconds to wait. The MAC is normalised loosely (case, separators)
    /// so spelling it differently does not buy more attempts.
    public func attempt(mac: String, address: String, now: Date = Date()) -> Int? {
        let device = String(mac.lowercased().filter(\.isHexDigit))
        if let wait = perAddress.attempt(address, now: now) { return wait }
        return perDevice.attempt(device, now: now)
    }
}
