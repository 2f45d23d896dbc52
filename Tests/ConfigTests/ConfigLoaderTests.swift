import Config
import Foundation
import HotspotPayCore
import TestSupport
import Testing

@Suite struct ConfigLoaderTests {
    /// The example's own placeholders replaced from the environment, as an operator does.
    static let exampleSecrets = [
        "HOTSPOTPAY_VNPAY_HASH_SECRET": "R3alVNPayHashSecretFromThePortal",
        "HOTSPOTPAY_SEPAY_API_KEY": "R3ALSEPAYAPIKEY0123456789",
        "HOTSPOTPAY_ROUTER_CAFE_1_SECRET": "a-real-long-radius-secret",
    ]

    @Test func theDocumentedExampleIsValidOnceItsPlaceholdersAreReplaced() throws {
        let path = Fixtures.repositoryRoot.appendingPathComponent("deploy/hotspotpay.example.yaml").path
        let config = try ConfigLoader.load(path: path, environment: Self.exampleSecrets)
        #expect(config.plans.map(\.id) == ["1h", "1d"])
        #expect(config.plans[0].price == Money(dong: 10_000))
        #expect(config.plans[1].dataCapBytes == 5_000_000_000)
        #expect(config.routers.first?.strategy == .login && config.routers.first?.hotspotAddress == "hotspot.cafe.vn")
        #expect(config.routers.first?.paidAttributes == [RadiusAttribute(name: "Mikrotik-Group", value: "paid")])
        #expect(config.providers.enabled == [.momo, .vnpay, .vietqr])
        #expect(config.paymentWindowSeconds == 900)
        #expect(config.databasePath == "/var/lib/hotspotpay/hotspotpay.sqlite")
        #expect(config.publicURL == "https://wifi.example.vn")
        #expect(config.providers.momo?.timeoutSeconds == 30)
        #expect(config.providers.vnpay?.bankCode == "VNPAYQR")
        #expect(config.providers.vietqr?.confirmVia == .sepay)
        #expect(config.providers.vietqr?.payOSEndpoint == "https://api-merchant.payos.vn")
    }

    @Test func aFileWithThreeMistakesNamesAllThree() throws {
        do {
            _ = try ConfigLoader.load(path: Fixtures.path("three-mistakes.yaml"), environment: [:])
            Issue.record("the file has mistakes")
        } catch {
            #expect(error.problems.map(\.path) == ["http.listne", "routers[cafe].secret", "plans[1h].price"])
            #expect(error.problems[0].message.contains("did you mean 'listen'"))
            #expect(error.problems[0].line == 4)
            #expect(error.problems[1].message.contains("HOTSPOTPAY_ROUTER_CAFE_SECRET"))
            #expect(error.problems[2].message.contains("not an amount in VND"))
        }
    }

    @Test func environmentVariablesSupplyAndOverrideSecrets() throws {
        let path = Fixtures.path("three-mistakes.yaml")
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "listne", with: "listen").replacingOccurrences(of: "mười nghìn", with: "10000")
        let config = try ConfigLoader.parse(
            yaml: text, environment: ["HOTSPOTPAY_ROUTER_CAFE_SECRET": "secret-from-the-environment"])
        #expect(config.routers.first?.secret.reveal == "secret-from-the-environment")

        let example = Fixtures.repositoryRoot.appendingPathComponent("deploy/hotspotpay.example.yaml").path
        let overridden = try ConfigLoader.load(
            path: example,
            environment: Self.exampleSecrets.merging(["HOTSPOTPAY_MOMO_SECRET_KEY": "momo-secret-from-the-env"]) { $1 })
        #expect(overridden.providers.momo?.secretKey.reveal == "momo-secret-from-the-env")
    }

    @Test func pollingIsAutomaticWhenNoProviderCouldReachThePortal() {
        for unreachable in [
            "http://127.0.0.1:8080", "http://192.168.88.2:8080", "http://10.5.50.1", "http://172.20.0.5",
            "http://hotspot.local", "http://localhost:8080",
        ] {
            #expect(PaymentPolling.auto.enabled(publicURL: unreachable), "\(unreachable)")
        }
        for reachable in ["https://wifi.example.vn", "https://203.0.113.7"] {
            #expect(!PaymentPolling.auto.enabled(publicURL: reachable), "\(reachable)")
        }
        #expect(PaymentPolling.on.enabled(publicURL: "https://wifi.example.vn"))
        #expect(!PaymentPolling.off.enabled(publicURL: "http://127.0.0.1"))
    }

    @Test func missingSectionsTakeDefaults() throws {
        let config = try ConfigLoader.load(path: Fixtures.path("minimal.yaml"), environment: [:])
        #expect(config.httpListen == ListenAddress(host: "0.0.0.0", port: 8080))
        #expect(config.sweeperIntervalSeconds == 60)
        #expect(config.providers.sandbox?.secret?.reveal == "sandbox-signing-secret")
        #expect(config.databasePath == "./state/hotspotpay.sqlite")
        #expect(config.unlockResendAfterSeconds == 60 && config.portalDirectory == nil)
        #expect(config.checkoutLimitPerDevice == 10 && config.checkoutLimitPerAddress == 300)
        #expect(config.webhooks.retry == .standard && !config.webhooks.allowPrivateAddresses)
    }

    /// A provider switched on with its keys nowhere stays off with a warning (the daemon starts, so
    /// the keys can be entered in the console); keys from the console fill what the file and the
    /// environment leave, which win; a bad stored key is a problem naming where it came from.
    @Test func providerKeysComeFromTheEnvironmentTheFileOrTheConsoleInThatOrder() throws {
        let source = """
            providers:
              momo:
                partner_code: MOMOTEST
              vietqr:
                bank_bin: '970436'
                account_number: '1'
                confirm_via: payos
            """
        let waiting = try ConfigLoader.parse(yaml: source, environment: [:])
        #expect(waiting.providers.enabled.isEmpty)
        #expect(
            waiting.warnings.contains {
                $0.hasPrefix("providers.momo: access_key, secret_key not set: MoMo stays off")
                    && $0.contains("HOTSPOTPAY_MOMO_SECRET_KEY")
            }, "\(waiting.warnings)")
        #expect(waiting.warnings.contains { $0.contains("payos_client_id, payos_api_key, payos_checksum_key not set") })

        let stored: [String: Secret] = [
            "MOMO_ACCESS_KEY": Secret("stored-access-key"), "MOMO_SECRET_KEY": Secret("stored-secret-key-0123456789"),
            "MOMO_PARTNER_CODE": Secret("IGNORED"), "PAYOS_CLIENT_ID": Secret("client-1"),
            "PAYOS_API_KEY": Secret("payos-api-key-0123456789"),
            "PAYOS_CHECKSUM_KEY": Secret("payos-checksum-0123456789"),
        ]
        let config = try ConfigLoader.parse(
            yaml: source, environment: ["HOTSPOTPAY_MOMO_SECRET_KEY": "environment-secret-key-0123"]
        ) { _ in stored }
        #expect(config.providers.enabled == [.momo, .vietqr] && config.warnings.isEmpty)
        #expect(config.providers.momo?.partnerCode == "MOMOTEST", "the file wins over the console")
        #expect(config.providers.momo?.secretKey.reveal == "environment-secret-key-0123", "the environment wins")
        #expect(config.providers.momo?.accessKey.reveal == "stored-access-key")
        #expect(config.providers.vietqr?.payOSClientID == "client-1")
        #expect(config.credentialSources["MOMO_PARTNER_CODE"] == .file)
        #expect(config.credentialSources["MOMO_SECRET_KEY"] == .environment)
        #expect(config.credentialSources["MOMO_ACCESS_KEY"] == .database)

        do {
            _ = try ConfigLoader.parse(yaml: source, environment: [:]) { _ in
                stored.merging(["MOMO_SECRET_KEY": Secret("change-me")]) { $1 }
            }
            Issue.record("a placeholder stored in the console is refused")
        } catch {
            #expect(
                error.problems.contains {
                    $0.path == "providers.momo.secret_key" && $0.message.contains("entered in the console")
                }, "\(error.problems)")
        }
    }

    @Test func theWebhookSectionSetsTheRetryScheduleTimeoutAndPrivateAddresses() throws {
        let config = try ConfigLoader.parse(
            yaml: """
                providers:
                  sandbox: {}
                webhooks:
                  retry: [30s, 10m, 1d]
                  timeout: 5s
                  allow_private_addresses: true
                """, environment: [:])
        #expect(config.webhooks.retry.delays == [30, 600, 86_400] && config.webhooks.retry.maximumAttempts == 4)
        #expect(config.webhooks.timeoutSeconds == 5 && config.webhooks.allowPrivateAddresses)
    }

    @Test(arguments: [
        ("http:\n  listen: 8080\n", "http.listen"),
        ("payments:\n  window: 2s\n", "payments.window"),
        ("unlock:\n  resend_after: 10s\n", "unlock.resend_after"),
        ("payments:\n  poll: sometimes\n", "payments.poll"),
        ("http:\n  trusted_proxies: [caddy]\n", "http.trusted_proxies"),
        ("http:\n  checkout_limit_per_device: 0\n", "http.checkout_limit_per_device"),
        ("sweeper:\n  interval: 2h\n", "sweeper.interval"),
        ("  vnpay:\n    tmn_code: X\n", "providers.vnpay.tmn_code"),
        ("  vietqr:\n    bank_bin: 97043\n", "providers.vietqr.bank_bin"),
        (
            "  momo:\n    partner_code: MOMO\n    access_key: a\n    secret_key: b\n    timeout_seconds: 5\n",
            "providers.momo.timeout_seconds"
        ),
        ("  vnpay:\n    tmn_code: ABCD1234\n    hash_secret: s\n    bank_code: 'V Q'\n", "providers.vnpay.bank_code"),
        (
            "plans:\n  - id: 1h\n    name_vi: x\n    price: 10000\n    duration: 1h\n    download: 10M\n",
            "plans[1h].upload"
        ),
        ("plans:\n  - id: 1h\n    name_vi: x\n    price: 500\n    duration: 1h\n", "plans[1h].price"),
        ("routers:\n  - id: r\n    address: 10.0.0.1\n    secret: short\n", "routers[r].secret"),
        (
            "routers:\n  - id: r\n    address: 10.0.0.1\n    secret: long-enough-secret-0000\n    strategy: pap\n",
            "routers[r].strategy"
        ),
        (
            "routers:\n  - id: r\n    address: 10.0.0.1\n    secret: long-enough-secret-0000\n    paid_attributes: [Nope]\n",
            "routers[r].paid_attributes"
        ),
        ("durabilty: full\n", "durabilty"),
        ("webhooks:\n  retry: [1m, soon]\n", "webhooks.retry[1]"),
        ("webhooks:\n  timeout: 2m\n", "webhooks.timeout"),
        ("webhooks:\n  allow_private: yes\n", "webhooks.allow_private"),
    ])
    func eachMistakeIsReportedAtItsKeyPath(yaml: String, path: String) {
        // Lines starting with two spaces continue the providers section.
        let source = "providers:\n  sandbox: {}\n" + yaml
        do {
            _ = try ConfigLoader.parse(yaml: source, environment: [:])
            Issue.record("expected a problem at \(path)")
        } catch {
            #expect(error.problems.map(\.path).contains(path), "got \(error.problems)")
        }
    }

    @Test(arguments: [
        (
            "  vietqr:\n    bank_bin: '970436'\n    account_number: '1'\n    confirm_via: casso\n    casso_checksum_key: ''\n",
            "providers.vietqr.casso_checksum_key", "blank"
        ),
        (
            "  vietqr:\n    bank_bin: '970436'\n    account_number: '1'\n    confirm_via: payos\n    payos_client_id: c\n"
                + "    payos_api_key: payos-api-key-0123456789\n    payos_checksum_key: \"\"\n",
            "providers.vietqr.payos_checksum_key", "blank"
        ),
        (
            "  vietqr:\n    bank_bin: '970436'\n    account_number: '1'\n    confirm_via: sepay\n    sepay_api_key: '  '\n",
            "providers.vietqr.sepay_api_key", "blank"
        ),
        (
            "  vnpay:\n    tmn_code: ABCD1234\n    hash_secret: change-me-vnpay-hash-secret\n",
            "providers.vnpay.hash_secret", "placeholder"
        ),
        (
            "  momo:\n    partner_code: MOMO\n    access_key: F8BBA842ECF85\n    secret_key: short\n",
            "providers.momo.secret_key", "at least 16"
        ),
    ])
    func blankShortAndPlaceholderProviderSecretsAreRefused(yaml: String, path: String, reason: String) {
        let source = "providers:\n  sandbox: {}\n" + yaml
        do {
            _ = try ConfigLoader.parse(yaml: source, environment: [:])
            Issue.record("expected a problem at \(path)")
        } catch {
            let problem = error.problems.first { $0.path == path }
            #expect(problem != nil, "got \(error.problems)")
            #expect(problem?.message.contains(reason) == true, "got \(error.problems)")
        }
    }

    @Test func aRoutersRESTAPIComesFromItsSectionWithThePasswordFromTheEnvironmentAndMustBePinned() throws {
        let router = """
            routers:
              - id: cafe-1
                address: 192.168.88.1
                secret: a-real-long-radius-secret
                api:
                  url: https://192.168.88.1
                  user: hotspotpay
                  certificate_sha256: \(Array(repeating: "AB", count: 32).joined(separator: ":"))

            """
        let source = "providers:\n  sandbox: {unsafe_fake_payments: true}\n" + router
        let config = try ConfigLoader.parse(
            yaml: source, environment: ["HOTSPOTPAY_ROUTER_CAFE_1_API_PASSWORD": "rest-password-1"])
        let api = try #require(config.routers.first?.api)
        #expect(api.user == "hotspotpay" && api.password.reveal == "rest-password-1")
        #expect(api.certificateSHA256 == String(repeating: "ab", count: 32) && api.problems.isEmpty)
        // No password anywhere, and no pin: both named at their keys.
        let unpinned = source.replacingOccurrences(of: "certificate_sha256", with: "#")
        do {
            _ = try ConfigLoader.parse(yaml: unpinned, environment: [:])
            Issue.record("an unpinned API without a password is refused")
        } catch {
            let paths = error.problems.map(\.path)
            #expect(paths.contains("routers[cafe-1].api.password"), "\(paths)")
        }
        do {
            _ = try ConfigLoader.parse(
                yaml: unpinned, environment: ["HOTSPOTPAY_ROUTER_CAFE_1_API_PASSWORD": "rest-password-1"])
            Issue.record("an unpinned https API is refused")
        } catch {
            #expect(error.problems.contains { $0.path.hasSuffix("api.certificate_sha256") }, "\(error.problems)")
        }
    }

    @Test func aBlankSecretFromTheEnvironmentIsNotABlankKey() throws {
        let source = "providers:\n  vietqr:\n    bank_bin: '970436'\n    account_number: '1'\n    confirm_via: casso\n"
        // Blank is "not set": the provider waits for its key rather than checking callbacks with "".
        let waiting = try ConfigLoader.parse(yaml: source, environment: ["HOTSPOTPAY_CASSO_CHECKSUM_KEY": ""])
        #expect(waiting.providers.vietqr == nil)
        #expect(waiting.warnings.contains { $0.contains("casso_checksum_key not set") })
        let config = try ConfigLoader.parse(
            yaml: source, environment: ["HOTSPOTPAY_CASSO_CHECKSUM_KEY": "casso-checksum-key-0123"])
        #expect(config.providers.vietqr?.cassoChecksumKey?.reveal == "casso-checksum-key-0123")
        #expect(throws: ConfigError.self) {
            try ConfigLoader.parse(yaml: source, environment: ["HOTSPOTPAY_CASSO_CHECKSUM_KEY": "short"])
        }
    }

    @Test func aRouterWithoutAStrategyIsALoginRouter() throws {
        let config = try ConfigLoader.parse(
            yaml:
                "providers:\n  sandbox: {unsafe_fake_payments: true}\nrouters:\n  - id: r\n    address: 10.0.0.1\n"
                + "    secret: long-enough-secret-0000\n"
                + "    hotspot_address: Hotspot.Cafe.vn\n",
            environment: [:])
        #expect(config.routers.first?.strategy == .login)
        #expect(config.routers.first?.hotspotAddress == "hotspot.cafe.vn")
        #expect(throws: ConfigError.self) {
            try ConfigLoader.parse(
                yaml:
                    "providers:\n  sandbox: {unsafe_fake_payments: true}\nrouters:\n  - id: r\n    address: 10.0.0.1\n"
                    + "    secret: long-enough-secret-0000\n    strategy: coa\n",
                environment: [:])
        }
    }

    @Test func noProviderAtAllLoadsWithAWarningSoTheConsoleCanTakeTheKeys() throws {
        let config = try ConfigLoader.parse(yaml: "data_dir: /tmp\n", environment: [:])
        #expect(config.providers.enabled.isEmpty)
        #expect(config.warnings.contains { $0.contains("no payment provider is enabled") })
    }

    @Test func brokenYAMLIsReportedNotCrashed() {
        #expect(throws: ConfigError.self) { try ConfigLoader.parse(yaml: "plans: [\n  - : :\n", environment: [:]) }
        #expect(throws: ConfigError.self) { try ConfigLoader.parse(yaml: "- just\n- a list\n", environment: [:]) }
    }

    @Test func theEmbeddedDefaultsAreValid() {
        let config = HotspotPayConfig.embeddedDefaults(dataDirectory: "/tmp/x")
        #expect(config.plans.count == 2)
        #expect(config.plans.allSatisfy { $0.problems.isEmpty })
        #expect(config.routers.allSatisfy { $0.problems.isEmpty })
        #expect(config.providers.enabled == [.sandbox])
    }

    @Test func listenAddressesParse() {
        #expect(ListenAddress("[::]:8080") == ListenAddress(host: "::", port: 8080))
        #expect(ListenAddress("127.0.0.1:0")?.port == 0)
        #expect(ListenAddress("8080") == nil)
        #expect(ListenAddress("host:99999") == nil)
    }
}
