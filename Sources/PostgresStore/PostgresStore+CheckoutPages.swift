import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: CheckoutPageStore {
    public func savePaymentRequest(_ request: PaymentRequest, transactionID: String) async throws(StoreError) {
        try await write(entity: "payment request") { q in
            try await q.execute(
                """
                INSERT INTO payment_requests (transaction_id, qr_payload, pay_url, deeplink, provider_order_id, expires_at)
                VALUES (\(transactionID), \(request.qrPayload), \(request.payURL), \(request.deeplink),
                    \(request.providerOrderID), \(request.expiresAt.epochMilliseconds))
                ON CONFLICT (transaction_id) DO NOTHING
                """)
        }
    }

    public func paymentRequest(transactionID: String) async throws(StoreError) -> PaymentRequest? {
        try await read(entity: "checkoutpages") { q in
            guard let row = try await q.row("SELECT * FROM payment_requests WHERE transaction_id = \(transactionID)")
            else { return nil }
            let columns = PostgresColumns(row, entity: "payment request", idColumn: "transaction_id")
            return PaymentRequest(
                qrPayload: try columns.optionalString("qr_payload"), payURL: try columns.optionalString("pay_url"),
                deeplink: try columns.optionalString("deeplink"),
                providerOrderID: try columns.string("provider_order_id"), expiresAt: try columns.date("expires_at"))
        }
    }

    public func saveHotspotLogin(_ login: HotspotLogin, transactionID: String, at: Date) async throws(StoreError) {
        try await write(entity: "hotspot login") { q in
            try await q.execute(
                """
                INSERT INTO hotspot_logins (transaction_id, login_url, original_url, chap_id, chap_challenge, updated_at)
                VALUES (\(transactionID), \(login.loginURL), \(login.originalURL),
                    \(login.chapID.map(HotspotLogin.octalText)), \(login.chapChallenge.map(HotspotLogin.octalText)),
                    \(at.epochMilliseconds))
                ON CONFLICT (transaction_id) DO UPDATE SET login_url = excluded.login_url,
                    original_url = excluded.original_url, chap_id = excluded.chap_id,
                    chap_challenge = excluded.chap_challenge, updated_at = excluded.updated_at
                """)
        }
    }

    public func hotspotLogin(transactionID: String) async throws(StoreError) -> HotspotLogin? {
        try await read(entity: "checkoutpages") { q in
            guard let row = try await q.row("SELECT * FROM hotspot_logins WHERE transaction_id = \(transactionID)")
            else { return nil }
            let columns = PostgresColumns(row, entity: "hotspot login", idColumn: "transaction_id")
            return HotspotLogin(
                loginURL: try columns.string("login_url"), originalURL: try columns.optionalString("original_url"),
                chapIDBytes: try columns.optionalString("chap_id").flatMap(HotspotLogin.octalEscapes),
                chapChallengeBytes: try columns.optionalString("chap_challenge").flatMap(HotspotLogin.octalEscapes))
        }
    }

    public func addBuyerBrowser(digest: String, transactionID: String, at: Date) async throws(StoreError) {
        try await write(entity: "buyer browser") { q in
            try await q.execute(
                """
                INSERT INTO buyer_browsers (transaction_id, browser_digest, added_at)
                VALUES (\(transactionID), \(digest), \(at.epochMilliseconds))
                ON CONFLICT (transaction_id, browser_digest) DO NOTHING
                """)
        }
    }

    public func isBuyerBrowser(digest: String, transactionID: String) async throws(StoreError) -> Bool {
        try await read(entity: "checkoutpages") { q in
            try await q.scalar(
                """
                SELECT EXISTS (SELECT 1 FROM buyer_browsers
                    WHERE transaction_id = \(transactionID) AND browser_digest = \(digest))
                """, as: Bool.self) ?? false
        }
    }
}
