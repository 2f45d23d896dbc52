import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: IdempotencyStore {
    /// The first claim inserts; a concurrent one on another node waits for it (the unique key) and
    /// then reads it under a row lock, so exactly one request runs per key across the nodes.
    public func claimIdempotencyKey(scope: String, key: String, requestDigest: String, at: Date)
        async throws(StoreError) -> IdempotencyClaim
    {
        try await write(entity: "idempotency key") { q in
            let now = at.epochMilliseconds
            let inserted = try await q.changed(
                """
                INSERT INTO idempotency_keys (scope, key, request_digest, created_at)
                VALUES (\(scope), \(key), \(requestDigest), \(now))
                ON CONFLICT (scope, key) DO NOTHING RETURNING key
                """)
            if inserted == 1 { return .new }
            guard
                let row = try await q.row(
                    "SELECT * FROM idempotency_keys WHERE scope = \(scope) AND key = \(key) FOR UPDATE")
            else { return .new }
            let columns = PostgresColumns(row, entity: "idempotency key", idColumn: "key")
            let body: Data? = try columns.value("body")
            if let decided = IdempotencyRules.decide(
                storedDigest: try columns.string("request_digest"), createdAt: try columns.date("created_at"),
                status: try columns.optionalInt64("status").map(Int.init),
                contentType: try columns.optionalString("content_type"), body: body.map(Array.init),
                requestDigest: requestDigest, at: at)
            {
                return decided
            }
            try await q.execute(
                """
                UPDATE idempotency_keys SET request_digest = \(requestDigest), created_at = \(now), status = NULL,
                    content_type = NULL, body = NULL
                WHERE scope = \(scope) AND key = \(key)
                """)
            return .new
        }
    }

    public func finishIdempotencyKey(scope: String, key: String, response: StoredResponse?) async throws(StoreError) {
        try await write(entity: "idempotency key") { q in
            if let response {
                try await q.execute(
                    """
                    UPDATE idempotency_keys SET status = \(Int64(response.status)), content_type = \(response.contentType),
                        body = \(Data(response.body))
                    WHERE scope = \(scope) AND key = \(key) AND status IS NULL
                    """)
            } else {
                try await q.execute(
                    "DELETE FROM idempotency_keys WHERE scope = \(scope) AND key = \(key) AND status IS NULL")
            }
        }
    }

    public func purgeIdempotencyKeys(before: Date) async throws(StoreError) -> Int {
        try await write(entity: "idempotency key") { q in
            try await q.changed(
                "DELETE FROM idempotency_keys WHERE created_at < \(before.epochMilliseconds) RETURNING key")
        }
    }
}
