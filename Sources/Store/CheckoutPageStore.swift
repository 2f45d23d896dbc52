import HotspotPayCore

import struct Foundation.Date

/// What a guest's pay page needs besides the transaction, kept so that reopening the portal (the
/// captive mini-browser closes while the guest pays in a banking app) shows the same QR code and
/// can still log the device in.
public protocol CheckoutPageStore: Sendable {
    /// Keeps the provider's payment request for `transactionID` (the first one wins).
    func savePaymentRequest(_ request: PaymentRequest, transactionID: String) async throws(StoreError)
    func paymentRequest(transactionID: String) async throws(StoreError) -> PaymentRequest?
    /// Keeps the router's newest login context for `transactionID` (a reopened login page brings
    /// a fresh CHAP challenge, so the newest wins).
    func saveHotspotLogin(_ login: HotspotLogin, transactionID: String, at: Date) async throws(StoreError)
    func hotspotLogin(transactionID: String) async throws(StoreError) -> HotspotLogin?
    /// Records that the browser with `digest` bought (or proved it bought) `transactionID`.
    func addBuyerBrowser(digest: String, transactionID: String, at: Date) async throws(StoreError)
    func isBuyerBrowser(digest: String, transactionID: String) async throws(StoreError) -> Bool
}
