import HotspotPayCore
import Payments

/// Provider settings that point at a running fake with its credentials.
public enum FakeSettings {
    public static func momo(_ base: String, timeout: Int64 = 5) -> MoMoSettings {
        MoMoSettings(
            partnerCode: FakeCredentials.momoPartnerCode, accessKey: Secret(FakeCredentials.momoAccessKey),
            secretKey: Secret(FakeCredentials.momoSecretKey), endpoint: base, timeoutSeconds: timeout)
    }

    public static func vnpay(_ base: String) -> VNPaySettings {
        VNPaySettings(
            tmnCode: FakeCredentials.vnpayTmnCode, hashSecret: Secret(FakeCredentials.vnpayHashSecret),
            payURL: base + "/paymentv2/vpcpay.html", apiURL: base + "/merchant_webapi/api/transaction",
            timeoutSeconds: 5)
    }

    public static func vietqr(_ via: VietQRSettings.Confirmation, base: String = "http://127.0.0.1:9") -> VietQRSettings
    {
        VietQRSettings(
            bankBIN: FakeCredentials.bankBIN, accountNumber: FakeCredentials.accountNumber, confirmVia: via,
            payOSClientID: FakeCredentials.payOSClientID, payOSAPIKey: Secret(FakeCredentials.payOSAPIKey),
            payOSChecksumKey: Secret(FakeCredentials.payOSChecksumKey), payOSEndpoint: base,
            sepayAPIKey: Secret(FakeCredentials.sepayAPIKey),
            cassoChecksumKey: Secret(FakeCredentials.cassoChecksumKey),
            timeoutSeconds: 5)
    }
}
