import HotspotPayCore

/// payOS's merchant API (docs/PROVIDERS.md §4): payment links with a VietQR, their status, and the
/// signed webhook.
struct PayOSClient: Sendable {
    let clientID: String
    let apiKey: String
    let checksumKey: String
    let endpoint: String
    let api: ProviderAPI

    var headers: [String: String] { ["x-client-id": clientID, "x-api-key": apiKey] }

    /// `amount=…&cancelUrl=…&description=…&orderCode=…&returnUrl=…`, raw values.
    func createSignature(amount: Int64, cancelURL: String, description: String, orderCode: Int64, returnURL: String)
        -> String
    {
        Signature.hmacSHA256(
            key: checksumKey,
            message:
                "amount=\(amount)&cancelUrl=\(cancelURL)&description=\(description)&orderCode=\(orderCode)&returnUrl=\(returnURL)"
        )
    }

    func create(orderCode: Int64, amount: Money, description: String, returnURL: String, expiresAt: Int64)
        async throws(ProviderError) -> JSONValue
    {
        let body = JSONValue.object([
            "orderCode": .integer(orderCode), "amount": .integer(amount.dong), "description": .string(description),
            "cancelUrl": .string(returnURL), "returnUrl": .string(returnURL), "expiredAt": .integer(expiresAt),
            "signature": .string(
                createSignature(
                    amount: amount.dong, cancelURL: returnURL, description: description, orderCode: orderCode,
                    returnURL: returnURL)),
        ])
        let answer = try await api.json(
            "POST", endpoint + "/v2/payment-requests", operation: "create", body: body, headers: headers,
            idempotent: false)
        return try signedData(answer, operation: "create")
    }

    /// The payment link's data, or nil when payOS does not know the order.
    func status(orderCode: Int64) async throws(ProviderError) -> JSONValue? {
        let answer = try await api.json(
            "GET", endpoint + "/v2/payment-requests/\(orderCode)", operation: "query", headers: headers,
            idempotent: true)
        if answer["code"]?.signatureText == "101" { return nil }
        return try signedData(answer, operation: "query")
    }

    /// `data` of a `{code, desc, data, signature}` envelope whose code is "00", with its
    /// signature checked when payOS sent one.
    private func signedData(_ answer: JSONValue, operation: String) throws(ProviderError) -> JSONValue {
        let code = answer["code"]?.signatureText ?? ""
        guard code == "00" else {
            throw api.refused(operation, code: code, message: answer["desc"]?.signatureText ?? "")
        }
        guard let data = answer["data"], case .object = data else { throw api.badResponse(operation, "no data") }
        if let signature = answer["signature"]?.stringValue,
            let expected = WebhookSignatures.payOS(data: data, checksumKey: checksumKey),
            !Signature.matches(signature, expected: expected)
        {
            throw api.badResponse(operation, "the data's signature does not match")
        }
        return data
    }
}
