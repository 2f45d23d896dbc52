import HotspotPayCore

import struct Foundation.Date

/// Devices' paid access.
public protocol GrantStore: Sendable {
    func activeGrant(mac: MACAddress) async throws(StoreError) -> Grant?
    func grant(id: String) async throws(StoreError) -> Grant?
    /// Active grants whose time ran out at or before `date`.
    func grantsPastEnd(at date: Date, limit: Int) async throws(StoreError) -> [Grant]
    /// The grant a transaction paid for (active or not).
    func grant(transactionID: String) async throws(StoreError) -> Grant?
    /// Adds time (and optionally data) to an active grant by hand, audited with `reason`.
    func extendGrant(id: String, bySeconds seconds: Int64, dataBytes: Int64?, at: Date, actor: String, reason: String)
        async throws(StoreError) -> Grant
    /// Ends or revokes an active grant (conditional on it still being active) and audits it.
    func apply(_ event: GrantStatus.Event, toGrant id: String, at: Date, actor: String, detail: String)
        async throws(StoreError)
        -> Grant
}
