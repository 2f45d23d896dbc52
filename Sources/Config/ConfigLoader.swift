import Foundation
import HotspotPayCore
import Payments
import Yams

/// Reads a config file into a ``HotspotPayConfig``, reporting every problem with its key path.
public enum ConfigLoader {
    /// Reads and checks `path`; environment variables override secrets (see ``SecretOverrides``).
    /// `stored` gives the provider credentials kept in the database of the config read so far
    /// (its data folder and key are known by then); they fill what the file and environment leave.
    public static func load(
        path: String, environment: [String: String],
        stored: (HotspotPayConfig) -> [String: Secret] = { _ in [:] }
    ) throws(ConfigError) -> HotspotPayConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(
                file: path, problems: [ConfigProblem(path: "", line: nil, message: "the file cannot be read")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(
                file: path, problems: [ConfigProblem(path: "", line: nil, message: "the file is not UTF-8 text")])
        }
        return try parse(yaml: text, file: path, environment: environment, stored: stored)
    }

    public static func parse(
        yaml: String, file: String = "config", environment: [String: String],
        stored: (HotspotPayConfig) -> [String: Secret] = { _ in [:] }
    ) throws(ConfigError) -> HotspotPayConfig {
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch {
            throw ConfigError(
                file: file, problems: [ConfigProblem(path: "", line: nil, message: "not valid YAML: \(error)")])
        }
        let sink = ProblemSink()
        let top = NodeReader(node: root ?? Node.mapping(Node.Mapping([])), path: "", sink: sink)
        var overrides = SecretOverrides(environment: environment)

        let dataDirectory = top.string("data_dir") ?? "/var/lib/hotspotpay"
        var config = HotspotPayConfig(dataDirectory: dataDirectory, providers: ProviderSettings())
        config.database = top.string("database") ?? config.database
        // A PostgreSQL URL from the environment wins, so one file serves every node.
        if let url = environment["HOTSPOTPAY_DATABASE_URL"], !url.isEmpty { config.database = url }
        config.durability =
            top.parsed("durability") { text in
                guard let value = Durability(rawValue: text) else { throw Message("'\(text)' is not normal or full") }
                return value
            } ?? config.durability
        config.secretKeyFile = top.string("secret_key_file")
        overrides = SecretOverrides(environment: environment, stored: stored(config))

        let http = NodeReader(node: top.node("http"), path: "http", sink: sink)
        config.httpListen = listen(http, "listen") ?? config.httpListen
        config.publicURL =
            http.parsed("public_url") { text in
                guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                    throw Message("'\(text)' is not an http(s) URL such as https://wifi.example.vn")
                }
                return text.hasSuffix("/") ? String(text.dropLast()) : text
            } ?? config.publicURL
        config.portalDirectory = http.string("portal_dir")
        config.trustedProxies = http.strings("trusted_proxies")
        for address in config.trustedProxies where (try? IPAddress(address)) == nil {
            http.problem(
                "trusted_proxies", "'\(address)' is not an IP address (the proxy's address as this daemon sees it)")
        }
        config.checkoutLimitPerDevice =
            http.int("checkout_limit_per_device", in: 1...10_000) ?? config.checkoutLimitPerDevice
        config.checkoutLimitPerAddress =
            http.int("checkout_limit_per_address", in: 1...1_000_000) ?? config.checkoutLimitPerAddress
        http.finish()

        let radius = NodeReader(node: top.node("radius"), path: "radius", sink: sink)
        config.radiusAuthListen = listen(radius, "auth_listen") ?? config.radiusAuthListen
        config.radiusAcctListen = listen(radius, "acct_listen") ?? config.radiusAcctListen
        radius.finish()

        let payments = NodeReader(node: top.node("payments"), path: "payments", sink: sink)
        config.paymentWindowSeconds = seconds(payments, "window", range: 5...86_400) ?? config.paymentWindowSeconds
        config.paymentPolling =
            payments.parsed("poll") { text in
                guard let mode = PaymentPolling(rawValue: text) else {
                    throw Message("'\(text)' is not auto, on or off")
                }
                return mode
            } ?? config.paymentPolling
        payments.finish()
        let sweeper = NodeReader(node: top.node("sweeper"), path: "sweeper", sink: sink)
        config.sweeperIntervalSeconds = seconds(sweeper, "interval", range: 1...3600) ?? config.sweeperIntervalSeconds
        sweeper.finish()
        let unlock = NodeReader(node: top.node("unlock"), path: "unlock", sink: sink)
        config.unlockResendAfterSeconds =
            seconds(unlock, "resend_after", range: 31...3600) ?? config.unlockResendAfterSeconds
        unlock.finish()
        config.webhooks = readWebhooks(top, sink: sink)

        let sources = ProviderReader.Sources()
        config.providers = ProviderReader.read(
            top.node("providers"), sink: sink, overrides: overrides, sources: sources)
        config.credentialSources = sources.found
        config.warnings += sources.awaiting
        config.routers = readRouters(top, sink: sink, overrides: overrides)
        config.plans = readPlans(top, sink: sink)
        top.finish()

        // A real install starts with no provider (the console's Payments page takes the keys):
        // the daemon runs, the portal shows its plans and says payment is not set up yet.
        if config.providers.enabled.isEmpty && sources.awaiting.isEmpty {
            config.warnings.append(
                "providers: no payment provider is enabled, so guests cannot pay yet: add momo, vnpay or vietqr "
                    + "under providers (see the example config) or enter their keys on the console's Payments page")
        }
        if let sandbox = config.providers.sandbox, !sandbox.unsafeFakePayments,
            !SandboxSettings.isLocalInstall(publicURL: config.publicURL, routerAddresses: config.routers.map(\.address))
        {
            sink.add(
                "providers.sandbox", top.node("providers")?.mark?.line,
                "the sandbox takes fake payments, so it runs only while public_url and every router are on this "
                    + "machine's loopback (the demo, tests); here guests could get online without paying. Remove it "
                    + "and enable momo, vnpay or vietqr, or (for a trial only) set unsafe_fake_payments: true")
        }
        guard sink.problems.isEmpty else { throw ConfigError(file: file, problems: sink.problems) }
        return config
    }

    static func readWebhooks(_ top: NodeReader, sink: ProblemSink) -> WebhookOptions {
        var options = WebhookOptions()
        let reader = NodeReader(node: top.node("webhooks"), path: "webhooks", sink: sink)
        if reader.node("retry") != nil {
            var delays: [Int64] = []
            for (index, text) in reader.strings("retry").enumerated() {
                do {
                    let value = try DurationText.seconds(text)
                    guard (1...604_800).contains(value) else { throw Message("\(text) is not between 1s and 7d") }
                    delays.append(value)
                } catch {
                    sink.add("webhooks.retry[\(index)]", reader.node("retry")?.mark?.line, "\(error)")
                }
            }
            if delays.count > 20 {
                sink.add("webhooks.retry", reader.node("retry")?.mark?.line, "at most 20 retries")
            }
            options.retry = WebhookRetrySchedule(delays: delays)
        }
        options.timeoutSeconds = seconds(reader, "timeout", range: 1...60) ?? options.timeoutSeconds
        options.allowPrivateAddresses = reader.bool("allow_private_addresses") ?? false
        reader.finish()
        return options
    }

    static func listen(_ reader: NodeReader, _ key: String) -> ListenAddress? {
        reader.parsed(key) { text in
            guard let address = ListenAddress(text) else { throw Message("'\(text)' is not \(ListenAddress.expected)") }
            return address
        }
    }

    static func seconds(_ reader: NodeReader, _ key: String, range: ClosedRange<Int64>) -> Int64? {
        reader.parsed(key) { text in
            let value = try DurationText.seconds(text)
            guard range.contains(value) else {
                throw Message(
                    "\(text) is out of range: expected \(DurationText.format(seconds: range.lowerBound)) to \(DurationText.format(seconds: range.upperBound))"
                )
            }
            return value
        }
    }

    static func readPlans(_ top: NodeReader, sink: ProblemSink) -> [Plan] {
        var seen: Set<String> = []
        return top.sequence("plans").enumerated().compactMap { index, node in
            let id = (node.mapping?["id"]?.string) ?? "#\(index + 1)"
            let reader = NodeReader(node: node, path: "plans[\(id)]", sink: sink)
            let planID = reader.string("id", required: true) ?? ""
            let nameVI = reader.string("name_vi", required: true) ?? ""
            let nameEN = reader.string("name_en") ?? nameVI
            let price = reader.parsed("price", required: true) { try Money(parsing: $0) }
            let duration = reader.parsed("duration", required: true) { try DurationText.seconds($0) }
            let cap = reader.parsed("data_cap") { try ByteCount.bytes($0) }
            let download = reader.parsed("download") { try RateLimit.bitsPerSecond($0) }
            let upload = reader.parsed("upload") { try RateLimit.bitsPerSecond($0) }
            if (download == nil) != (upload == nil), reader.node("download") != nil || reader.node("upload") != nil {
                reader.problem("upload", "give both download and upload, or neither")
            }
            let active = reader.bool("active") ?? true
            let order = reader.int("order", in: -1000...1000) ?? index
            reader.finish()
            if !seen.insert(planID).inserted, !planID.isEmpty {
                reader.problem("id", "'\(planID)' is used by another plan")
            }
            guard let price, let duration else { return nil }
            let rate = download.flatMap { down in
                upload.map { RateLimit(downloadBitsPerSecond: down, uploadBitsPerSecond: $0) }
            }
            let plan = Plan(
                id: planID, name: LocalizedText(vi: nameVI, en: nameEN), price: price, durationSeconds: duration,
                dataCapBytes: cap, rateLimit: rate, isActive: active, displayOrder: order)
            report(
                plan.problems.filter { $0.field != "id" || !planID.isEmpty }, under: reader.path, line: reader.line,
                sink: sink)
            return plan
        }
    }

    static func readRouters(_ top: NodeReader, sink: ProblemSink, overrides: SecretOverrides) -> [Router] {
        var seen: Set<String> = []
        return top.sequence("routers").enumerated().compactMap { index, node in
            let id = (node.mapping?["id"]?.string) ?? "#\(index + 1)"
            let reader = NodeReader(node: node, path: "routers[\(id)]", sink: sink)
            let routerID = reader.string("id", required: true) ?? ""
            let name = reader.string("name") ?? routerID
            let nas = reader.string("nas_identifier") ?? routerID
            let address = reader.parsed("address", required: true) { try IPAddress($0) }
            let written = reader.string("secret")  // read even when the environment wins, so it is no unknown key
            let secret = overrides.routerSecret(id: routerID) ?? written.map(Secret.init)
            if secret == nil {
                reader.problem("secret", "is required (or set \(SecretOverrides.routerSecretVariable(id: routerID)))")
            } else if let text = secret?.reveal.lowercased(), text.hasPrefix("change-me") || text.hasPrefix("changeme")
            {
                reader.problem(
                    "secret",
                    "is the example file's placeholder: choose a long random secret, the same on the router's /radius "
                        + "entry (or set \(SecretOverrides.routerSecretVariable(id: routerID)))")
            }
            let port = reader.int("coa_port", in: 1...65535) ?? Router.defaultCoAPort
            let strategy =
                reader.parsed("strategy") { text in
                    guard let strategy = UnlockStrategy(rawValue: text) else {
                        throw Message("'\(text)' is not coa or login")
                    }
                    return strategy
                } ?? .login
            let captive = attributes(reader, "captive_attributes", sink: sink)
            let paid = attributes(reader, "paid_attributes", sink: sink)
            let requireMA = reader.bool("require_message_authenticator") ?? true
            let hotspotAddress = reader.string("hotspot_address").map { $0.lowercased() }
            var api: RouterAPI?
            if let node = reader.node("api") {
                let section = NodeReader(node: node, path: reader.child("api"), sink: sink)
                let url = section.string("url", required: true)?.lowercased()
                let user = section.string("user", required: true)
                let written = section.string("password")
                let password = overrides.routerAPIPassword(id: routerID) ?? written.map(Secret.init)
                if password == nil {
                    section.problem(
                        "password", "is required (or set \(SecretOverrides.routerAPIPasswordVariable(id: routerID)))")
                }
                let pin = section.string("certificate_sha256")
                let plain = section.bool("plain_http") ?? false
                section.finish()
                if let url, let user, let password {
                    api = RouterAPI(url: url, user: user, password: password, certificateSHA256: pin, plainHTTP: plain)
                }
            }
            reader.finish()
            if !seen.insert(routerID).inserted, !routerID.isEmpty {
                reader.problem("id", "'\(routerID)' is used by another router")
            }
            guard let address, let secret else { return nil }
            let router = Router(
                id: routerID, name: name, nasIdentifier: nas, address: address, secret: secret, coaPort: port,
                strategy: strategy, captiveAttributes: captive, paidAttributes: paid,
                requireMessageAuthenticator: requireMA, hotspotAddress: hotspotAddress, api: api)
            report(
                router.problems.filter { $0.field != "id" || !routerID.isEmpty }, under: reader.path, line: reader.line,
                sink: sink)
            return router
        }
    }

    static func attributes(_ reader: NodeReader, _ key: String, sink: ProblemSink) -> [RadiusAttribute] {
        reader.strings(key).compactMap { line in
            do { return try RadiusAttribute(parsing: line) } catch {
                reader.problem(key, "\(error)")
                return nil
            }
        }
    }

    static func report(_ problems: [ValidationProblem], under path: String, line: Int?, sink: ProblemSink) {
        for problem in problems { sink.add(problem.nested(under: path).field, line, problem.message) }
    }
}

extension Node {
    fileprivate var mapping: Node.Mapping? {
        if case .mapping(let mapping) = self { return mapping }
        return nil
    }
}
