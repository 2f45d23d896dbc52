import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: AccessLookup {
    public func routersForAccess() throws -> [Router] {
        try readNow(consistent: true) { db in try allRouters(db) }
    }

    /// On the access reader's own connections (``SQLiteAccessReader``): this read runs for
    /// every Access-Request, on the UDP event loop.
    public func activeGrantForAccess(mac: MACAddress) throws -> Grant? {
        try accessReader.activeGrant(mac: mac)
    }

    public func loginSecretsForAccess(grantID: String) throws -> [LoginSecret] {
        try readNow(consistent: true) { db in try Self.loginSecrets(db, grantID: grantID) }
    }
}
