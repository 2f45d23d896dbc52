import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: ThrottleStore {
    public func countAttempt(key: String, limit: Int, windowSeconds: Double, at: Date) async throws(StoreError)
        -> Int?
    {
        let now = at.epochMilliseconds
        let since = at.addingTimeInterval(-windowSeconds).epochMilliseconds
        let counted = try await write(entity: "throttle") { q -> (Int64, Int64)? in
            var binds = PostgresBindings()
            binds.append(key)
            binds.append(now)
            binds.append(since)
            guard let row = try await q.row(PostgresQuery(unsafeSQL: ThrottleSQL.count, binds: binds)) else {
                return nil
            }
            return (try row["window_start"].decode(Int64.self), try row["count"].decode(Int64.self))
        }
        guard let (start, count) = counted else { return nil }
        return ThrottleSQL.wait(count: count, start: start, limit: limit, windowSeconds: windowSeconds, now: at)
    }

    public func releaseAttempt(key: String, windowSeconds: Double, at: Date) async throws(StoreError) {
        let since = at.addingTimeInterval(-windowSeconds).epochMilliseconds
        try await write(entity: "throttle") { q in
            var binds = PostgresBindings()
            binds.append(key)
            binds.append(since)
            try await q.execute(PostgresQuery(unsafeSQL: ThrottleSQL.release, binds: binds))
        }
    }

    public func purgeThrottleWindows(before: Date) async throws(StoreError) -> Int {
        try await write(entity: "throttle") { q in
            try await q.changed(
                "DELETE FROM throttle_windows WHERE window_start < \(before.epochMilliseconds) RETURNING key")
        }
    }
}
