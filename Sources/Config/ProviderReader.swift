import Foundation
import HotspotPayCore
import Payments
import Yams

/// Reads the `providers` section. A provider is on when its section is present and its
/// `enabled` is not false; then its credentials are required.
enum ProviderReader {
    /// Where each credential in use came from, by ``ProviderCredential/variable``.
    final class Sources {
        var found: [String: CredentialSource] = [:]
        /// Providers switched on whose credentials are nowhere yet: they stay off (not a config
        /// error, so the daemon starts and the keys can be entered on the console's Payments page).
        var awaiting: [String] = []
        /// Credentials found nowhere (as opposed to found and refused, which is a problem).
        var unsetKeys: Set<String> = []

        /// True when every one of `credentials` is simply not set anywhere.
        func unset(_ credentials: [ProviderCredential]) -> Bool {
            credentials.allSatisfy { unsetKeys.contains($0.variable) }
        }
    }

    static func read(_ node: Node?, sink: ProblemSink, overrides: SecretOverrides, sources: Sources = Sources())
        -> ProviderSettings
    {
        guard let node else { return ProviderSettings() }
        let reader = NodeReader(node: node, path: "providers", sink: sink)
        func secret(
            _ section: NodeReader, _ key: String, _ variable: String, _ overrides: SecretOverrides,
            required: Bool = true, minimum: Int = 0
        ) -> Secret? {
            guard let credential = ProviderCredential.named(variable) else { return nil }
            return Self.credential(section, credential, overrides, required: required, sources: sources)
        }
        /// Records that `section`'s provider waits for `keys`; nil, so the provider stays off.
        func awaiting<T>(_ section: NodeReader, _ name: String, _ keys: [ProviderCredential]) -> T? {
            sources.awaiting.append(
                "\(section.path): \(keys.map(\.key).joined(separator: ", ")) not set: \(name) stays off until "
                    + "\(keys.count == 1 ? "it is" : "they are") entered on the console's Payments page (or set "
                    + keys.map(\.environmentVariable).joined(separator: ", ") + ")")
            return nil
        }
        var settings = ProviderSettings()
        settings.sandbox = section(reader, "sandbox", sink: sink) { section in
            SandboxSettings(
                secret: secret(section, "secret", "SANDBOX_SECRET", overrides, required: false),
                unsafeFakePayments: section.bool("unsafe_fake_payments") ?? false)
        }
        settings.momo = section(reader, "momo", sink: sink) { section in
            let partner = secret(section, "partner_code", "MOMO_PARTNER_CODE", overrides)?.reveal
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
            let missing = zip(
                [ProviderCredential.momoPartnerCode, .momoAccessKey, .momoSecretKey], [partner as Any?, access, key]
            ).filter { $0.1 == nil }.map(\.0)
            if !missing.isEmpty, sources.unset(missing) { return awaiting(section, "MoMo", missing) }
            guard let partner, let access, let key else { return nil }
            return MoMoSettings(
                partnerCode: partner, accessKey: access, secretKey: key, endpoint: endpoint, requestType: type,
                timeoutSeconds: timeout)
        }
        settings.vnpay = section(reader, "vnpay", sink: sink) { section in
            let tmn = secret(section, "tmn_code", "VNPAY_TMN_CODE", overrides)?.reveal
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
            let missing = zip([ProviderCredential.vnpayTMNCode, .vnpayHashSecret], [tmn as Any?, hash])
                .filter { $0.1 == nil }.map(\.0)
            if !missing.isEmpty, sources.unset(missing) { return awaiting(section, "VNPay", missing) }
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
                payOSClientID: secret(section, "payos_client_id", "PAYOS_CLIENT_ID", overrides, required: false)?
                    .reveal,
                payOSAPIKey: secret(section, "payos_api_key", "PAYOS_API_KEY", overrides, required: false),
                payOSChecksumKey: secret(
                    section, "payos_checksum_key", "PAYOS_CHECKSUM_KEY", overrides, required: false),
                payOSEndpoint: payOSEndpoint,
                sepayAPIKey: secret(section, "sepay_api_key", "SEPAY_API_KEY", overrides, required: false),
                cassoChecksumKey: secret(
                    section, "casso_checksum_key", "CASSO_CHECKSUM_KEY", overrides, required: false),
                timeoutSeconds: timeout)
            let needed: [(ProviderCredential, Any?)] =
                switch via {
                case .payos:
                    [
                        (.payOSClientID, vietqr.payOSClientID), (.payOSAPIKey, vietqr.payOSAPIKey),
                        (.payOSChecksumKey, vietqr.payOSChecksumKey),
                    ]
                case .sepay: [(.sepayAPIKey, vietqr.sepayAPIKey)]
                case .casso: [(.cassoChecksumKey, vietqr.cassoChecksumKey)]
                default: []
                }
            let missing = needed.filter { $0.1 == nil }.map(\.0)
            guard bin != nil, account != nil, via != nil else { return nil }
            if !missing.isEmpty {
                if sources.unset(missing) { return awaiting(section, "VietQR (\(via!.rawValue))", missing) }
                return nil
            }
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

    /// A credential from the environment (which wins), the file, or the database (entered in
    /// the console). Blank, short and placeholder values are refused: a webhook checked against an
    /// empty key accepts anyone's signature.
    private static func credential(
        _ section: NodeReader, _ credential: ProviderCredential, _ overrides: SecretOverrides, required: Bool,
        sources: Sources
    ) -> Secret? {
        let variable = credential.environmentVariable
        let key = credential.key
        let source: String
        let text: String
        let origin: CredentialSource
        if let value = overrides.value(variable) {
            _ = section.node(key)
            (source, text, origin) = (variable, value.reveal, .environment)
        } else if let value = section.string(key) {
            (source, text, origin) = ("the value", value, .file)
        } else if let value = overrides.stored(credential.variable) {
            (source, text, origin) = ("the value entered in the console", value.reveal, .database)
        } else {
            sources.unsetKeys.insert(credential.variable)
            return nil
        }
        if let problem = credential.problem(text) {
            section.problem(key, "\(source) \(problem) (or set \(variable))")
            return nil
        }
        sources.found[credential.variable] = origin
        return Secret(text)
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
