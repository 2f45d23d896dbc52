import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: CheckoutPageStore {
    public func savePaymentRequest(_ request: PaymentRequest, transactionID: String) async throws(StoreError) {
        try await write(entity: "payment request") { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO payment_requests (transaction_id, qr_payload, pay_url, deeplink, provider_order_id, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (transaction_id) DO NOTHING
                    """
            ).execute(
                arguments: [
                    transactionID, request.qrPayload, request.payURL, request.deeplink, request.providerOrderID,
                    request.expiresAt.epochMilliseconds,
                ])
        }
    }

    public func paymentRequest(transactionID: String) async throws(StoreError) -> PaymentRequest? {
        try await read(entity: "checkoutpages") { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM payment_requests WHERE transaction_id = ?"),
                arguments: [transactionID]
            ).map { row in
                PaymentRequest(
                    qrPayload: row["qr_payload"], payURL: row["pay_url"], deeplink: row["deeplink"],
                    providerOrderID: row["provider_order_id"],
                    expiresAt: Date(epochMilliseconds: row["expires_at"]))
            }
        }
    }

    public func saveHotspotLogin(_ login: HotspotLogin, transactionID: String, at: Date) async throws(StoreError) {
        try await write(entity: "hotspot login") { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO hotspot_logins (transaction_id, login_url, original_url, chap_id, chap_challenge, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (transaction_id) DO UPDATE SET login_url = excluded.login_url,
                        original_url = excluded.original_url, chap_id = excluded.chap_id,
                        chap_challenge = excluded.chap_challenge, updated_at = excluded.updated_at
                    """
            ).execute(
                arguments: [
                    transactionID, login.loginURL, login.originalURL, login.chapID.map(HotspotLogin.octalText),
                    login.chapChallenge.map(HotspotLogin.octalText), at.epochMilliseconds,
                ])
        }
    }

    public func hotspotLogin(transactionID: String) async throws(StoreError) -> HotspotLogin? {
        try await read(entity: "checkoutpages") { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM hotspot_logins WHERE transaction_id = ?"),
                arguments: [transactionID]
            ).map { row in
                HotspotLogin(
                    loginURL: row["login_url"], originalURL: row["original_url"],
                    chapIDBytes: (row["chap_id"] as String?).flatMap(HotspotLogin.octalEscapes),
                    chapChallengeBytes: (row["chap_challenge"] as String?).flatMap(HotspotLogin.octalEscapes))
            }
        }
    }

    public func addBuyerBrowser(digest: String, transactionID: String, at: Date) async throws(StoreError) {
        try await write(entity: "buyer browser") { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO buyer_browsers (transaction_id, browser_digest, added_at) VALUES (?, ?, ?)
                    ON CONFLICT (transaction_id, browser_digest) DO NOTHING
                    """
            ).execute(arguments: [transactionID, digest, at.epochMilliseconds])
        }
    }

    public func isBuyerBrowser(digest: String, transactionID: String) async throws(StoreError) -> Bool {
        try await read(entity: "checkoutpages") { db in
            try Bool.fetchOne(
                db.cachedStatement(
                    sql: "SELECT EXISTS (SELECT 1 FROM buyer_browsers WHERE transaction_id = ? AND browser_digest = ?)"),
                arguments: [transactionID, digest]) ?? false
        }
    }
}
