import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: AccessLookup {
    public func routersForAccess() throws -> [Router] {
        try pool.read { db in try allRouters(db) }
    }

    /// One indexed SELECT, prepared once per reader connection, read by column position and
    /// without BEGIN/COMMIT around it (a single statement is its own consistent snapshot):
    /// parsing SQL, looking columns up by name and the transaction cost more than the lookup.
    public func activeGrantForAccess(mac: MACAddress) throws -> Grant? {
        try pool.unsafeRead { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT id, starts_at, valid_until, download_bps, upload_bps, data_remaining_bytes, created_at, updated_at
                    FROM grants WHERE mac = ? AND status = 'active'
                    """)
            guard let row = try Row.fetchOne(statement, arguments: [mac.description]) else { return nil }
            let down: Int64? = row[3]
            let up: Int64? = row[4]
            return Grant(
                id: row[0], mac: mac, status: .active, startsAt: Date(epochMilliseconds: row[1]),
                validUntil: Date(epochMilliseconds: row[2]),
                rateLimit: down.flatMap { down in
                    up.map { RateLimit(downloadBitsPerSecond: down, uploadBitsPerSecond: $0) }
                },
                dataRemainingBytes: row[5], transactionIDs: [], createdAt: Date(epochMilliseconds: row[6]),
                updatedAt: Date(epochMilliseconds: row[7]))
        }
    }

    public func loginSecretsForAccess(grantID: String) throws -> [LoginSecret] {
        try pool.read { db in try Self.loginSecrets(db, grantID: grantID) }
    }
}
