import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: ThrottleStore {
    public func countAttempt(key: String, limit: Int, windowSeconds: Double, at: Date) async throws(StoreError)
        -> Int?
    {
        let now = at.epochMilliseconds
        let since = at.addingTimeInterval(-windowSeconds).epochMilliseconds
        let counted = try await write(entity: "throttle") { db -> (Int64, Int64)? in
            try Row.fetchOne(db.cachedStatement(sql: ThrottleSQL.count), arguments: [key, now, since]).map {
                ($0["window_start"], $0["count"])
            }
        }
        guard let (start, count) = counted else { return nil }
        return ThrottleSQL.wait(count: count, start: start, limit: limit, windowSeconds: windowSeconds, now: at)
    }

    public func releaseAttempt(key: String, windowSeconds: Double, at: Date) async throws(StoreError) {
        let since = at.addingTimeInterval(-windowSeconds).epochMilliseconds
        try await write(entity: "throttle") { db in
            try db.cachedStatement(sql: ThrottleSQL.release).execute(arguments: [key, since])
        }
    }

    public func purgeThrottleWindows(before: Date) async throws(StoreError) -> Int {
        try await write(entity: "throttle") { db in
            try db.execute(
                sql: "DELETE FROM throttle_windows WHERE window_start < ?", arguments: [before.epochMilliseconds])
            return db.changesCount
        }
    }
}
