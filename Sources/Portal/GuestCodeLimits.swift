import Foundation
import Store

/// The limits on codes a guest types: a purchase's receipt code on its pay page, and voucher or
/// receipt codes on the plans page that gave nothing (docs/OPERATIONS.md works out what they
/// leave a guesser). One node counts in memory; several nodes on PostgreSQL count in the
/// database they share, so guesses spread over the nodes meet the same limit.
public struct GuestCodeLimits: Sendable {
    /// Receipt codes typed on a purchase's page, per purchase: ten per ten minutes against a 30¹² code.
    let receiptPerPurchase: any AttemptCounter
    /// Codes that gave nothing, per device.
    let missesPerDevice: any AttemptCounter
    /// Codes that gave nothing, per client address at one router. A hotspot often NATs every guest
    /// to one address, so this is a ceiling on a flood, not a guess budget: codes are 30¹², and
    /// 2,000 misses per 15 minutes leave a guesser about 10⁻⁸ a day of hitting one of 10,000 live
    /// codes, while a few phones sending garbage no longer lock the venue's guests out.
    let missesPerAddress: any AttemptCounter

    /// The limits as built in; `shared`: count them in the database (several nodes).
    public init(shared: (any ThrottleStore)? = nil) {
        func counter(_ attempts: Int, per seconds: Double, _ prefix: String) -> any AttemptCounter {
            let limit = RequestThrottle.Limit(attempts: attempts, windowSeconds: seconds)
            guard let shared else { return RequestThrottle(limit) }
            return SharedAttemptCounter(store: shared, limit: limit, prefix: prefix)
        }
        receiptPerPurchase = counter(10, per: 600, "receipt-purchase:")
        missesPerDevice = counter(5, per: 900, "code-device:")
        missesPerAddress = counter(2_000, per: 900, "code-address:")
    }
}
