import HotspotPayCore

/// VNPay 2.1.0 merchant settings (docs/PROVIDERS.md §2).
public struct VNPaySettings: Sendable, Hashable {
    /// The 8-character terminal code VNPay issued.
    public var tmnCode: String
    public var hashSecret: Secret
    /// Where the guest's browser is sent to pay.
    public var payURL: String
    /// The merchant web API for `querydr` and `refund`.
    public var apiURL: String
    /// `VNPAYQR` sends the guest straight to the QR page; empty lets VNPay ask.
    public var bankCode: String
    public var timeoutSeconds: Int64

    public init(
        tmnCode: String, hashSecret: Secret,
        payURL: String = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
        apiURL: String = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction", bankCode: String = "",
        timeoutSeconds: Int64 = 30
    ) {
        self.tmnCode = tmnCode
        self.hashSecret = hashSecret
        self.payURL = payURL
        self.apiURL = apiURL
        self.bankCode = bankCode
        self.timeoutSeconds = timeoutSeconds
    }
}
