import Foundation
import HotspotPayCore
import Payments
import Store

/// A transaction as its buyer's browser may see it: no callback token, no provider secrets.
public struct TransactionView: Codable, Sendable, Equatable {
    public var id: String
    public var orderCode: String
    public var plan: String
    public var amount: Int64
    public var amountText: String
    public var mac: String
    public var router: String
    public var provider: String
    public var status: String
    public var createdAt: Date
    public var expiresAt: Date
    public var paidAt: Date?
    /// What to pay with; present in the answer that creates the transaction.
    public var payment: PaymentView?
    /// The buyer's secret that moves the pass to another device; present once paid, to the buyer only.
    public var receiptCode: String?

    /// `receipt`: the view is for the buyer's browser, which sees the receipt code once paid.
    public init(_ transaction: Transaction, payment: PaymentRequest? = nil, receipt: Bool = false) {
        id = transaction.id
        orderCode = transaction.orderCode.description
        plan = transaction.planID
        amount = transaction.amount.dong
        amountText = transaction.amount.formatted(.vi)
        mac = transaction.mac.description
        router = transaction.routerID
        provider = transaction.provider.rawValue
        status = transaction.status.rawValue
        createdAt = transaction.createdAt
        expiresAt = transaction.expiresAt
        paidAt = transaction.paidAt
        self.payment = payment.map(PaymentView.init)
        receiptCode = receipt && transaction.status == .paid ? ReceiptCode(of: transaction).description : nil
    }
}

/// A transaction as anyone else may see it: a MAC is public, and so is the transaction a device's
/// landing resumes, so a stranger learns where it stands and nothing more.
public struct TransactionState: Codable, Sendable, Equatable {
    public var id: String
    public var status: String

    public init(_ transaction: Transaction) {
        id = transaction.id
        status = transaction.status.rawValue
    }
}

/// A provider's payment request as the portal page uses it.
public struct PaymentView: Codable, Sendable, Equatable {
    public var qrPayload: String?
    public var payURL: String?
    public var deeplink: String?
    public var providerOrderID: String
    public var expiresAt: Date

    public init(_ request: PaymentRequest) {
        qrPayload = request.qrPayload
        payURL = request.payURL
        deeplink = request.deeplink
        providerOrderID = request.providerOrderID
        expiresAt = request.expiresAt
    }
}
