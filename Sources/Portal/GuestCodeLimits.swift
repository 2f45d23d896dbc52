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
    /// Codes that gave nothing, per address (a hotspot often NATs every guest to one).
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
        missesPerAddress = counter(20, per: 900, "code-address:")
    }
}
