import Foundation
import HotspotPayCore
import Payments
import Yams

/// Reads the `providers` section. A provider is on when its section is present and its
/// `enabled` is not false; then its credentials are required.
enum ProviderReader {
    static func read(_ node: Node?, sink: ProblemSink, overrides: SecretOverrides) -> ProviderSettings {
        guard let node else { return ProviderSettings() }
        let reader = NodeReader(node: node, path: "providers", sink: sink)
        var settings = ProviderSettings()
        settings.sandbox = section(reader, "sandbox", sink: sink) { section in
            SandboxSettings(secret: secret(section, "secret", "SANDBOX_SECRET", overrides, required: false))
        }
        settings.momo = section(reader, "momo", sink: sink) { section in
            let partner = section.string("partner_code", required: true)
            let access = secret(section, "access_key", "MOMO_ACCESS_KEY", overrides, minimum: 8)
            let key = secret(section, "secret_key", "MOMO_SECRET_KEY", overrides)
            let endpoint = url(section, "endpoint") ?? "https://test-payment.momo.vn"
            let type =
                section.parsed("request_type") { text in
                    guard let type = MoMoSettings.RequestType(rawValue: text) else {
                        throw Message("'\(text)' is not captureWallet or payWithMethod")
                    }
                    return type
                } ?? .captureWallet
            let timeout = timeoutSeconds(section, minimum: 30)
            guard let partner, let access, let key else { return nil }
            return MoMoSettings(
                partnerCode: partner, accessKey: access, secretKey: key, endpoint: endpoint, requestType: type,
                timeoutSeconds: timeout)
        }
        settings.vnpay = section(reader, "vnpay", sink: sink) { section in
            let tmn = section.parsed("tmn_code", required: true) { text in
                guard text.count == 8, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                    throw Message("'\(text)' is not a VNPay terminal code (8 letters or digits)")
                }
                return text
            }
            let hash = secret(section, "hash_secret", "VNPAY_HASH_SECRET", overrides)
            let pay = url(section, "pay_url") ?? "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
            let api = url(section, "api_url") ?? "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
            let bank =
                section.parsed("bank_code") { text in
                    guard text.count <= 20, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                        throw Message("'\(text)' is not a VNPay bank code such as VNPAYQR or NCB")
                    }
                    return text
                } ?? ""
            let timeout = timeoutSeconds(section, minimum: 5)
            guard let tmn, let hash else { return nil }
            return VNPaySettings(
                tmnCode: tmn, hashSecret: hash, payURL: pay, apiURL: api, bankCode: bank, timeoutSeconds: timeout)
        }
        settings.vietqr = section(reader, "vietqr", sink: sink) { section in
            let bin = section.parsed("bank_bin", required: true) { text in
                guard text.count == 6, text.allSatisfy(\.isNumber) else {
                    throw Message("'\(text)' is not a 6-digit bank BIN (e.g. 970436 for Vietcombank)")
                }
                return text
            }
            let account = section.parsed("account_number", required: true) { text in
                guard (1...19).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw Message("'\(text)' is not an account number (1 to 19 digits)")
                }
                return text
            }
            let name = section.string("account_name") ?? ""
            let via = section.parsed("confirm_via", required: true) { text in
                guard let via = VietQRSettings.Confirmation(rawValue: text) else {
                    throw Message("'\(text)' is not payos, sepay or casso")
                }
                return via
            }
            let payOSEndpoint = url(section, "payos_endpoint") ?? "https://api-merchant.payos.vn"
            let timeout = timeoutSeconds(section, minimum: 5)
            let vietqr = VietQRSettings(
                bankBIN: bin ?? "", accountNumber: account ?? "", accountName: name, confirmVia: via ?? .sepay,
                payOSClientID: section.string("payos_client_id"),
                payOSAPIKey: secret(section, "payos_api_key", "PAYOS_API_KEY", overrides, required: false),
                payOSChecksumKey: secret(
                    section, "payos_checksum_key", "PAYOS_CHECKSUM_KEY", overrides, required: false),
                payOSEndpoint: payOSEndpoint,
                sepayAPIKey: secret(section, "sepay_api_key", "SEPAY_API_KEY", overrides, required: false),
                cassoChecksumKey: secret(
                    section, "casso_checksum_key", "CASSO_CHECKSUM_KEY", overrides, required: false),
                timeoutSeconds: timeout)
            switch via {
            case .payos
            where vietqr.payOSChecksumKey == nil || vietqr.payOSClientID == nil || vietqr.payOSAPIKey == nil:
                section.problem("confirm_via", "payos needs payos_client_id, payos_api_key and payos_checksum_key")
            case .sepay where vietqr.sepayAPIKey == nil:
                section.problem("confirm_via", "sepay needs sepay_api_key (or HOTSPOTPAY_SEPAY_API_KEY)")
            case .casso where vietqr.cassoChecksumKey == nil:
                section.problem("confirm_via", "casso needs casso_checksum_key (or HOTSPOTPAY_CASSO_CHECKSUM_KEY)")
            default: break
            }
            guard bin != nil, account != nil, via != nil else { return nil }
            return vietqr
        }
        reader.finish()
        return settings
    }

    /// Reads one provider's section when present and enabled.
    private static func section<T>(
        _ reader: NodeReader, _ key: String, sink: ProblemSink, _ body: (NodeReader) -> T?
    ) -> T? {
        guard let node = reader.node(key) else { return nil }
        let section = NodeReader(node: node, path: reader.child(key), sink: sink)
        let enabled = section.bool("enabled") ?? true
        let value = body(section)
        section.finish()
        return enabled ? value : nil
    }

    /// Shortest signing key or webhook key accepted. Every provider issues longer ones (MoMo and
    /// VNPay 32 characters, payOS 64); anything shorter is a typo or a value typed in to get going.
    static let minimumSecretLength = 16

    /// A credential from the environment (which wins) or the file. Blank, short and placeholder
    /// values are refused: a webhook checked against an empty key accepts anyone's signature.
    private static func secret(
        _ section: NodeReader, _ key: String, _ variable: String, _ overrides: SecretOverrides,
        required: Bool = true, minimum: Int = minimumSecretLength
    ) -> Secret? {
        let source: String
        let text: String
        if let value = overrides.value(variable) {
            _ = section.node(key)
            (source, text) = ("HOTSPOTPAY_\(variable)", value.reveal)
        } else if let value = section.string(key) {
            (source, text) = ("the value", value)
        } else {
            if required { section.problem(key, "is required (or set HOTSPOTPAY_\(variable))") }
            return nil
        }
        if let problem = secretProblem(text, minimum: minimum) {
            section.problem(key, "\(source) \(problem) (or set HOTSPOTPAY_\(variable))")
            return nil
        }
        return Secret(text)
    }

    /// Why `text` cannot be a provider credential, nil when it can.
    static func secretProblem(_ text: String, minimum: Int) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return "is blank: anyone could sign a callback with an empty key" }
        if trimmed != text { return "has spaces or line breaks around it" }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("change-me") || lower.hasPrefix("changeme")
            || ["...", "xxx", "secret", "todo"].contains(lower)
        {
            return "is the example file's placeholder '\(trimmed)': paste the key from the provider's merchant portal"
        }
        if trimmed.count < minimum {
            return "has \(trimmed.count) characters; a provider key has at least \(minimum)"
        }
        return nil
    }

    /// `timeout_seconds`, at least `minimum` (MoMo asks for 30), at most 120.
    private static func timeoutSeconds(_ section: NodeReader, minimum: Int64) -> Int64 {
        section.parsed("timeout_seconds") { text in
            guard let value = Int64(text), (minimum...120).contains(value) else {
                throw Message("'\(text)' is not a whole number of seconds from \(minimum) to 120")
            }
            return value
        } ?? max(minimum, 30)
    }

    private static func url(_ section: NodeReader, _ key: String) -> String? {
        section.parsed(key) { text in
            guard text.hasPrefix("https://") || text.hasPrefix("http://") else {
                throw Message("'\(text)' is not an http(s) URL")
            }
            return text
        }
    }
}
