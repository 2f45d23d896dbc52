/// The merchant credentials the fake providers accept; test configurations use the same ones.
public enum FakeCredentials {
    // MoMo's public sandbox credentials from its sample repositories (docs/PROVIDERS.md §1).
    public static let momoPartnerCode = "MOMO"
    public static let momoAccessKey = "F8BBA842ECF85"
    public static let momoSecretKey = "K951B6PE1waDMi640xX08PD3vg6EkVlz"
    public static let vnpayTmnCode = "TESTTMN1"
    public static let vnpayHashSecret = "vnpay-fake-hash-secret-0123456789"
    public static let payOSClientID = "payos-fake-client"
    public static let payOSAPIKey = "payos-fake-api-key"
    public static let payOSChecksumKey = "test_checksum_key"
    public static let sepayAPIKey = "sepay-fake-api-key"
    public static let cassoChecksumKey = "casso-fake-checksum-key"
    public static let bankBIN = "970423"
    public static let accountNumber = "0123456789"
}
