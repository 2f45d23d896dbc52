import HotspotPayCore

/// The reads the RADIUS server makes for each Access-Request. Synchronous on purpose: a local
/// SQLite read takes microseconds, and doing it on the UDP event loop's own thread avoids the
/// thread hand-offs that otherwise cost more than the read (see BENCHMARKS.md, RADIUS).
public protocol AccessLookup: Sendable {
    /// Every configured router, secrets opened.
    func routersForAccess() throws(StoreError) -> [Router]
    /// The device's active grant, without the list of transactions that paid for it.
    func activeGrantForAccess(mac: MACAddress) throws(StoreError) -> Grant?
    /// The login secrets of the transactions that paid for a grant: any of them logs the device
    /// in on a `login`-strategy router.
    func loginSecretsForAccess(grantID: String) throws(StoreError) -> [LoginSecret]
}
