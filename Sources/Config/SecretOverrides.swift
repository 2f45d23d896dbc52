import Foundation
import HotspotPayCore

/// Secrets from the environment win over the file, so the file can be world-readable and the
/// secrets live in a root-only environment file (systemd `EnvironmentFile=`).
///
/// Names: `HOTSPOTPAY_ROUTER_<ID>_SECRET` and `HOTSPOTPAY_ROUTER_<ID>_API_PASSWORD` (id upper-cased,
/// `-` as `_`), `HOTSPOTPAY_SANDBOX_SECRET`,
/// `HOTSPOTPAY_MOMO_ACCESS_KEY`, `HOTSPOTPAY_MOMO_SECRET_KEY`, `HOTSPOTPAY_VNPAY_HASH_SECRET`,
/// `HOTSPOTPAY_PAYOS_API_KEY`, `HOTSPOTPAY_PAYOS_CHECKSUM_KEY`, `HOTSPOTPAY_SEPAY_API_KEY`,
/// `HOTSPOTPAY_CASSO_CHECKSUM_KEY`.
public struct SecretOverrides: Sendable {
    let environment: [String: String]
    /// Provider credentials entered in the console (by ``ProviderCredential/variable``): used only
    /// where neither the environment nor the file has a value.
    let stored: [String: Secret]

    public init(environment: [String: String], stored: [String: Secret] = [:]) {
        self.environment = environment
        self.stored = stored
    }

    func stored(_ variable: String) -> Secret? { stored[variable].flatMap { $0.isEmpty ? nil : $0 } }

    public static func routerSecretVariable(id: String) -> String {
        "HOTSPOTPAY_ROUTER_\(id.uppercased().replacingOccurrences(of: "-", with: "_"))_SECRET"
    }

    func routerSecret(id: String) -> Secret? { value(Self.routerSecretVariable(id: id)) }

    /// The router's REST API password (`api.password` in the file).
    public static func routerAPIPasswordVariable(id: String) -> String {
        "HOTSPOTPAY_ROUTER_\(id.uppercased().replacingOccurrences(of: "-", with: "_"))_API_PASSWORD"
    }

    func routerAPIPassword(id: String) -> Secret? { value(Self.routerAPIPasswordVariable(id: id)) }

    /// The secret named `HOTSPOTPAY_<NAME>`, if set and not empty.
    func value(_ name: String) -> Secret? {
        let key = name.hasPrefix("HOTSPOTPAY_") ? name : "HOTSPOTPAY_" + name
        guard let text = environment[key], !text.isEmpty else { return nil }
        return Secret(text)
    }
}
