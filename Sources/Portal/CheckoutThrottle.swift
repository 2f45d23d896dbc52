import Foundation
import HotspotPayCore
import Store

/// The checkout's rate limits: per device and per client address. Only purchases that were
/// created count: an attempt is reserved before the provider is asked (so parallel requests
/// cannot all slip under the limit) and given back when nothing was created. Bad input (an
/// invalid MAC) is refused before anything is counted.
///
/// The per-device count is keyed on the MAC *and* the browser that asked (its `hp_browser`
/// cookie, or its address when it has none), so requests that merely name a guest's MAC, which
/// anyone on the WiFi can read, use up the stranger's allowance, not the guest's.
public struct CheckoutThrottle: Sendable {
    let perDevice: any AttemptCounter
    let perAddress: any AttemptCounter

    /// Defaults: 10 purchases per device and 300 per address (a MikroTik hotspot often NATs all
    /// guests to one address) in 10 minutes. `shared`: count in the database, for several nodes
    /// on one database (otherwise in this node's memory).
    public init(
        perDevice: RequestThrottle.Limit = .init(attempts: 10, windowSeconds: 600),
        perAddress: RequestThrottle.Limit = .init(attempts: 300, windowSeconds: 600),
        shared: (any ThrottleStore)? = nil
    ) {
        if let shared {
            self.perDevice = SharedAttemptCounter(store: shared, limit: perDevice, prefix: "checkout-device:")
            self.perAddress = SharedAttemptCounter(store: shared, limit: perAddress, prefix: "checkout-address:")
        } else {
            self.perDevice = RequestThrottle(perDevice)
            self.perAddress = RequestThrottle(perAddress)
        }
    }

    /// An attempt counted against both limits until it is released.
    public struct Reservation: Sendable, Hashable {
        let device: String
        let address: String
    }

    /// Counts an attempt for `mac` asked by `browser` (nil: a browser without our cookie) from
    /// `address`; returns the reservation, or the seconds to wait.
    public func reserve(mac: MACAddress, browser: String?, address: String, now: Date = Date()) async
        -> Result<Reservation, Wait>
    {
        let device = mac.description + "|" + (browser.map { "browser:" + $0 } ?? "address:" + address)
        if let wait = await perAddress.count(address, now: now) { return .failure(Wait(seconds: wait)) }
        if let wait = await perDevice.count(device, now: now) {
            await perAddress.giveBack(address, now: now)
            return .failure(Wait(seconds: wait))
        }
        return .success(Reservation(device: device, address: address))
    }

    /// The attempt created nothing (refused plan, provider down): it does not count.
    public func release(_ reservation: Reservation, now: Date = Date()) async {
        await perAddress.giveBack(reservation.address, now: now)
        await perDevice.giveBack(reservation.device, now: now)
    }

    /// Runs `create` under a reservation for `mac`, `browser` and `address`, giving the attempt
    /// back when `create` throws (nothing was created). Throws ``Wait`` when a limit is reached.
    public func whileReserved<Created: Sendable>(
        mac: MACAddress, browser: String?, address: String, _ create: () async throws -> Created
    ) async throws -> Created {
        let reservation = try await reserve(mac: mac, browser: browser, address: address).get()
        do { return try await create() } catch {
            await release(reservation)
            throw error
        }
    }

    /// Seconds to wait before trying again.
    public struct Wait: Error, Sendable, Hashable {
        public var seconds: Int
    }
}
