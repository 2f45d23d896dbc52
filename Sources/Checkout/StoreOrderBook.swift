import HotspotPayCore
import Payments
import Store

/// Lets providers look orders up in the store without knowing it.
struct StoreOrderBook: OrderBook {
    let store: any TransactionStore

    func transaction(orderCode: OrderCode) async throws -> Transaction? {
        try await store.transaction(orderCode: orderCode)
    }
}
