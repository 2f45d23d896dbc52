import HotspotPayCore
import Store

extension TransactionStore {
    /// The sale an operator names by its id or by its order (receipt) code, in any case.
    func transaction(reference: String) async throws -> Transaction? {
        if let code = try? OrderCode(reference.uppercased()), let sale = try await transaction(orderCode: code) {
            return sale
        }
        return try await transaction(id: reference)
    }
}
