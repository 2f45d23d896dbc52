import Foundation

/// Notifications of incoming bank transfers as SePay and Casso send them (docs/PROVIDERS.md §5).
public enum BankWebhooks {
    /// SePay: JSON with `Authorization: Apikey <key>`.
    public static func sepay(
        id: Int64, amount: Int64, content: String, type: String = "in",
        account: String = FakeCredentials.accountNumber, apiKey: String = FakeCredentials.sepayAPIKey
    ) -> (headers: [String: String], body: [UInt8]) {
        let body: [String: Any] = [
            "id": id, "gateway": "TPBank", "transactionDate": "2026-11-27 10:00:00", "accountNumber": account,
            "code": NSNull(), "content": content, "transferType": type, "transferAmount": amount,
            "accumulated": 19_077_000, "subAccount": NSNull(), "referenceCode": "MBVCB.\(id)",
            "description": "BankAPINotify \(content)",
        ]
        return (
            ["content-type": "application/json", "authorization": "Apikey \(apiKey)"],
            Array(try! JSONSerialization.data(withJSONObject: body))
        )
    }

    /// Casso v2: `X-Casso-Signature: t=<ms>,v1=HMAC-SHA512(t + "." + sorted compact JSON)`.
    public static func casso(
        id: Int64, amount: Int64, description: String, account: String = FakeCredentials.accountNumber,
        key: String = FakeCredentials.cassoChecksumKey, timestamp: Int64 = 1_764_216_000_000
    ) -> (headers: [String: String], body: [UInt8]) {
        let body: [String: Any] = [
            "error": 0,
            "data": [
                "id": id, "reference": "FT\(id)", "description": description, "amount": amount,
                "runningBalance": 25_000_000, "transactionDateTime": "2026-11-27 10:00:00", "accountNumber": account,
                "bankName": "TPBank", "bankAbbreviation": "TPB", "virtualAccountNumber": "",
                "virtualAccountName": "", "counterAccountName": "", "counterAccountNumber": "",
                "counterAccountBankId": "", "counterAccountBankName": "",
            ] as [String: Any],
        ]
        let json = FakeSigning.compactSortedJSON(body)
        let signature = FakeSigning.hmacSHA512(key, "\(timestamp).\(json)")
        return (
            ["content-type": "application/json", "x-casso-signature": "t=\(timestamp),v1=\(signature)"],
            Array(json.utf8)
        )
    }
}
