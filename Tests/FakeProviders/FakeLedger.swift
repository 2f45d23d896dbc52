import Foundation

/// What the fake providers know: the orders they were asked to create, what was paid and
/// refunded, and every request they received (for tests to inspect).
public actor FakeLedger {
    public struct MoMoOrder: Sendable {
        public var amount: Int64
        public var requestID: String
        public var orderInfo: String
        public var ipnURL: String
        public var redirectURL: String
        public var extraData: String
        public var requestType: String
        public var resultCode: Int64 = 1000
        public var transID: Int64?
        public var refunded: Int64 = 0
    }

    public struct VNPayOrder: Sendable {
        public var amountHundredths: Int64
        public var orderInfo: String
        public var createDate: String
        public var returnURL: String
        public var transactionStatus = "01"
        public var responseCode = "99"
        public var transactionNo: String?
        public var refunded: Int64 = 0
    }

    public struct PayOSOrder: Sendable {
        public var amount: Int64
        public var description: String
        public var status = "PENDING"
        public var paymentLinkID: String
        public var reference: String?
        public var qrCode: String
    }

    public private(set) var momo: [String: MoMoOrder] = [:]
    public private(set) var vnpay: [String: VNPayOrder] = [:]
    public private(set) var payOS: [Int64: PayOSOrder] = [:]
    /// `momo create`, `vnpay querydr`, …: one line per request received, refused ones too.
    public private(set) var requests: [String] = []
    /// Answers to refused requests, by operation, for tests to check the reason.
    public private(set) var refusals: [String] = []
    /// When set, MoMo create waits this long before answering (timeouts).
    public var momoCreateDelay: Duration?
    /// When set, MoMo create answers with this resultCode instead of creating the order.
    public var momoCreateResultCode: Int64?
    /// When set, MoMo refund does the refund, then waits this long before answering (a refund
    /// that happened although the merchant's call timed out).
    public var momoRefundDelay: Duration?
    /// MoMo refunds by their own orderId: amount and MoMo's transId for the refund.
    public private(set) var momoRefunds: [String: (amount: Int64, transID: Int64)] = [:]
    private var nextNumber: Int64 = 4_088_878_000

    public init() {}

    public func setMoMoCreateDelay(_ delay: Duration?) { momoCreateDelay = delay }
    public func setMoMoCreateResultCode(_ code: Int64?) { momoCreateResultCode = code }
    public func setMoMoRefundDelay(_ delay: Duration?) { momoRefundDelay = delay }
    func recordMoMoRefund(_ orderID: String, amount: Int64, transID: Int64) { momoRefunds[orderID] = (amount, transID) }

    func log(_ line: String) { requests.append(line) }
    func refuse(_ line: String) { refusals.append(line) }

    func number() -> Int64 {
        nextNumber += 1
        return nextNumber
    }

    func putMoMo(_ id: String, _ order: MoMoOrder) -> Bool {
        guard momo[id] == nil else { return false }
        momo[id] = order
        return true
    }

    func updateMoMo(_ id: String, _ change: (inout MoMoOrder) -> Void) -> MoMoOrder? {
        guard var order = momo[id] else { return nil }
        change(&order)
        momo[id] = order
        return order
    }

    func putVNPay(_ id: String, _ order: VNPayOrder) { vnpay[id] = order }

    func updateVNPay(_ id: String, _ change: (inout VNPayOrder) -> Void) -> VNPayOrder? {
        guard var order = vnpay[id] else { return nil }
        change(&order)
        vnpay[id] = order
        return order
    }

    func putPayOS(_ code: Int64, _ order: PayOSOrder) -> Bool {
        guard payOS[code] == nil else { return false }
        payOS[code] = order
        return true
    }

    func updatePayOS(_ code: Int64, _ change: (inout PayOSOrder) -> Void) -> PayOSOrder? {
        guard var order = payOS[code] else { return nil }
        change(&order)
        payOS[code] = order
        return order
    }
}
