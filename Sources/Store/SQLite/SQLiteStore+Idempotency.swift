import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: IdempotencyStore {
    public func claimIdempotencyKey(scope: String, key: String, requestDigest: String, at: Date)
        async throws(StoreError)
        -> IdempotencyClaim
    {
        try await write(entity: "idempotency key") { db in
            let now = at.epochMilliseconds
            try db.cachedStatement(
                sql: """
                    INSERT INTO idempotency_keys (scope, key, request_digest, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (scope, key) DO NOTHING
                    """
            ).execute(arguments: [scope, key, requestDigest, now])
            if db.changesCount == 1 { return .new }
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?"),
                    arguments: [scope, key])
            else { return .new }
            let body: Data? = row["body"]
            if let decided = IdempotencyRules.decide(
                storedDigest: row["request_digest"], createdAt: Date(epochMilliseconds: row["created_at"]),
                status: row["status"], contentType: row["content_type"], body: body.map(Array.init),
                requestDigest: requestDigest, at: at)
            {
                return decided
            }
            try db.cachedStatement(
                sql: """
                    UPDATE idempotency_keys SET request_digest = ?, created_at = ?, status = NULL, content_type = NULL,
                        body = NULL
                    WHERE scope = ? AND key = ?
                    """
            ).execute(arguments: [requestDigest, now, scope, key])
            return .new
        }
    }

    public func finishIdempotencyKey(scope: String, key: String, response: StoredResponse?) async throws(StoreError) {
        try await write(entity: "idempotency key") { db in
            if let response {
                try db.cachedStatement(
                    sql: """
                        UPDATE idempotency_keys SET status = ?, content_type = ?, body = ?
                        WHERE scope = ? AND key = ? AND status IS NULL
                        """
                ).execute(arguments: [response.status, response.contentType, Data(response.body), scope, key])
            } else {
                try db.cachedStatement(
                    sql: "DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status IS NULL"
                ).execute(arguments: [scope, key])
            }
        }
    }

    public func purgeIdempotencyKeys(before: Date) async throws(StoreError) -> Int {
        try await write(entity: "idempotency key") { db in
            try db.cachedStatement(sql: "DELETE FROM idempotency_keys WHERE created_at < ?").execute(
                arguments: [before.epochMilliseconds])
            return db.changesCount
        }
    }
}
