import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: AccessLookup {
    public func routersForAccess() throws(StoreError) -> [Router] {
        try readNow(consistent: true) { db in try allRouters(db) }
    }

    /// On the access reader's own connections (``SQLiteAccessReader``): this read runs for
    /// every Access-Request, on the UDP event loop.
    public func activeGrantForAccess(mac: MACAddress) throws(StoreError) -> Grant? {
        do { return try accessReader.activeGrant(mac: mac) } catch { throw Self.storeError(error, entity: "grant") }
    }

    public func loginSecretsForAccess(grantID: String) throws(StoreError) -> [LoginSecret] {
        try readNow(consistent: true) { db in try Self.loginSecrets(db, grantID: grantID) }
    }
}
