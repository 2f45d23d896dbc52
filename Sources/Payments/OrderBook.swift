import HotspotPayCore

/// Where a provider looks up the transactions a callback names. The store implements it; the
/// provider never sees the database.
public protocol OrderBook: Sendable {
    func transaction(orderCode: OrderCode) async throws -> Transaction?
}

extension OrderBook {
    /// The order a callback names, or the typed reason it is not ours.
    func order(_ code: OrderCode, reported: String) async throws(CallbackRejection) -> Transaction {
        let found: Transaction?
        do { found = try await transaction(orderCode: code) } catch { throw .unavailable(String(describing: error)) }
        guard let found else { throw .unknownOrder(reported) }
        return found
    }

    /// The order behind an id we gave the provider (``ProviderOrderID``).
    func order(providerOrderID: String) async throws(CallbackRejection) -> Transaction {
        guard let parsed = ProviderOrderID(parsing: providerOrderID) else { throw .unknownOrder(providerOrderID) }
        let transaction = try await order(parsed.orderCode, reported: providerOrderID)
        guard parsed.matches(transaction) else { throw .unknownOrder(providerOrderID) }
        return transaction
    }
}
