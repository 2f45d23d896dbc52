import FakeProviders
import Foundation
import HotspotPayCore
import Logging
import Payments
import TestSupport

/// Orders kept in memory: the providers' lookups without a database.
actor MemoryOrders: OrderBook {
    private var byCode: [OrderCode: Transaction] = [:]

    init(_ transactions: [Transaction] = []) {
        for transaction in transactions { byCode[transaction.orderCode] = transaction }
    }

    func add(_ transaction: Transaction) { byCode[transaction.orderCode] = transaction }

    func transaction(orderCode: OrderCode) async throws -> Transaction? { byCode[orderCode] }
}

/// An order book whose database is down.
struct BrokenOrders: OrderBook {
    struct Down: Error {}
    func transaction(orderCode: OrderCode) async throws -> Transaction? { throw Down() }
}

enum ProviderFixtures {
    static let logger = Logger(label: "payments-test")
    static let http = AsyncHTTPProviderClient()
    static let context = PaymentContext(
        returnURL: "http://portal.test/pay/x", callbackBaseURL: "http://portal.test/callbacks", language: .vi,
        clientIP: try! IPAddress("10.5.50.7"))

    static func momo(_ base: String, timeout: Int64 = 5) -> MoMoProvider {
        MoMoProvider(settings: FakeSettings.momo(base, timeout: timeout), http: http, logger: logger)
    }

    static func vnpay(_ base: String) -> VNPayProvider {
        VNPayProvider(settings: FakeSettings.vnpay(base), http: http, logger: logger)
    }

    static func vietqr(_ via: VietQRSettings.Confirmation, base: String = "http://127.0.0.1:9") -> VietQRProvider {
        VietQRProvider(settings: FakeSettings.vietqr(via, base: base), http: http, logger: logger)
    }

    static func order(_ provider: ProviderID, price: Int64 = 10_000) -> Transaction {
        Fixtures.transaction(plan: Fixtures.plan(price: price), provider: provider)
    }

    static func json(_ object: [String: Any]) -> [UInt8] { Array(try! JSONSerialization.data(withJSONObject: object)) }
}
