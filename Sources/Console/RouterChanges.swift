import Foundation
import HotspotPayCore
import Radius

/// What an operator wants changed on a router, from a form, CLI options or JSON; nil leaves a
/// field alone. Attribute lists replace the old list when given (one `Name = value` per entry)
/// and are checked against the RADIUS dictionary, so a typo is refused here instead of
/// breaking every Access-Accept later.
public struct RouterChanges: Sendable, Hashable, Decodable {
    public var name: String?
    public var nasIdentifier: String?
    public var address: String?
    public var secret: String?
    public var coaPort: Int?
    public var strategy: String?
    public var captiveAttributes: [String]?
    public var paidAttributes: [String]?
    public var requireMessageAuthenticator: Bool?
    /// The hotspot's dns-name or address; empty text clears it.
    public var hotspotAddress: String?
    /// The router's REST API (server-side login, the doctor); an empty URL removes it. The
    /// password is write-only: never shown back, kept when not given.
    public var apiURL: String?
    public var apiUser: String?
    public var apiPassword: String?
    public var apiCertificateSHA256: String?
    public var apiPlainHTTP: Bool?

    public init(
        name: String? = nil, nasIdentifier: String? = nil, address: String? = nil, secret: String? = nil,
        coaPort: Int? = nil, strategy: String? = nil, captiveAttributes: [String]? = nil,
        paidAttributes: [String]? = nil, requireMessageAuthenticator: Bool? = nil, hotspotAddress: String? = nil,
        apiURL: String? = nil, apiUser: String? = nil, apiPassword: String? = nil, apiCertificateSHA256: String? = nil,
        apiPlainHTTP: Bool? = nil
    ) {
        self.name = name
        self.nasIdentifier = nasIdentifier
        self.address = address
        self.secret = secret
        self.coaPort = coaPort
        self.strategy = strategy
        self.captiveAttributes = captiveAttributes
        self.paidAttributes = paidAttributes
        self.requireMessageAuthenticator = requireMessageAuthenticator
        self.hotspotAddress = hotspotAddress
        self.apiURL = apiURL
        self.apiUser = apiUser
        self.apiPassword = apiPassword
        self.apiCertificateSHA256 = apiCertificateSHA256
        self.apiPlainHTTP = apiPlainHTTP
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
        case nasIdentifier = "nas_identifier"
        case address, secret
        case coaPort = "coa_port"
        case strategy
        case captiveAttributes = "captive_attributes"
        case paidAttributes = "paid_attributes"
        case requireMessageAuthenticator = "require_message_authenticator"
        case hotspotAddress = "hotspot_address"
        case apiURL = "api_url"
        case apiUser = "api_user"
        case apiPassword = "api_password"
        case apiCertificateSHA256 = "api_certificate_sha256"
        case apiPlainHTTP = "api_plain_http"
    }

    public func apply(to router: inout Router) throws(ConsoleError) {
        var problems: [ValidationProblem] = []
        if let name { router.name = name.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let nasIdentifier { router.nasIdentifier = nasIdentifier.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let address {
            do { router.address = try IPAddress(address.trimmingCharacters(in: .whitespacesAndNewlines)) } catch {
                problems.append(.init(field: "address", message: "\(error)"))
            }
        }
        if let secret, !secret.isEmpty { router.secret = Secret(secret) }
        if let coaPort { router.coaPort = coaPort }
        if let strategy {
            if let value = UnlockStrategy(rawValue: strategy.trimmingCharacters(in: .whitespacesAndNewlines)) {
                router.strategy = value
            } else {
                problems.append(.init(field: "strategy", message: "expected coa or login"))
            }
        }
        if let captiveAttributes {
            router.captiveAttributes = Self.attributes(captiveAttributes, field: "captive_attributes", &problems)
        }
        if let paidAttributes {
            router.paidAttributes = Self.attributes(paidAttributes, field: "paid_attributes", &problems)
        }
        if let requireMessageAuthenticator { router.requireMessageAuthenticator = requireMessageAuthenticator }
        if let hotspotAddress {
            let trimmed = hotspotAddress.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            router.hotspotAddress = trimmed.isEmpty ? nil : trimmed
        }
        applyAPI(to: &router, &problems)
        guard problems.isEmpty else { throw .invalid(problems) }
        let rules = router.problems
        guard rules.isEmpty else { throw .invalid(rules) }
    }

    private func applyAPI(to router: inout Router, _ problems: inout [ValidationProblem]) {
        let trimmed = { (text: String) in text.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let apiURL, trimmed(apiURL).isEmpty {
            router.api = nil
            return
        }
        let touched =
            apiURL != nil || apiUser != nil || (apiPassword.map { !$0.isEmpty } ?? false)
            || apiCertificateSHA256 != nil || apiPlainHTTP != nil
        guard touched else { return }
        guard var api = router.api ?? apiURL.map({ RouterAPI(url: trimmed($0), user: "", password: Secret("")) })
        else {
            problems.append(.init(field: "api_url", message: "give the router's REST API URL first"))
            return
        }
        let before = router.api
        if let apiURL { api.url = trimmed(apiURL).lowercased() }
        if let apiUser { api.user = trimmed(apiUser) }
        if let apiPassword, !apiPassword.isEmpty { api.password = Secret(apiPassword) }
        if let apiCertificateSHA256 {
            let pin = RouterAPI.normalizedFingerprint(apiCertificateSHA256)
            api.certificateSHA256 = pin.isEmpty ? nil : pin
        }
        if let apiPlainHTTP { api.plainHTTP = apiPlainHTTP }
        // The stored password goes only where it went before: a new address, plain HTTP or another
        // certificate needs it typed again (else anyone who may edit routers could send it anywhere).
        if let before, !before.password.reveal.isEmpty,
            before.url != api.url || before.plainHTTP != api.plainHTTP
                || before.certificateSHA256 != api.certificateSHA256,
            (apiPassword ?? "").isEmpty
        {
            problems.append(
                .init(
                    field: "api_password",
                    message:
                        "changing the REST API's URL, plain HTTP or certificate pin needs the API password again: "
                        + "the stored one is never sent to a new place"))
            return
        }
        router.api = api
    }

    /// Parses `Name = value` lines (blank lines skipped) and checks each against the dictionary.
    static func attributes(_ lines: [String], field: String, _ problems: inout [ValidationProblem])
        -> [RadiusAttribute]
    {
        var parsed: [RadiusAttribute] = []
        for line in lines.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !line.isEmpty {
            do throws(RadiusAttribute.ParseError) {
                let attribute = try RadiusAttribute(parsing: line)
                if let problem = DictionaryCheck.problem(with: attribute) {
                    problems.append(.init(field: field, message: problem))
                } else {
                    parsed.append(attribute)
                }
            } catch {
                problems.append(.init(field: field, message: error.description))
            }
        }
        return parsed
    }
}

/// Checks attributes against the RADIUS dictionary libfreeradius encodes with.
enum DictionaryCheck {
    static func problem(with attribute: RadiusAttribute) -> String? {
        do {
            try RadiusDictionary.load()
            try RadiusCodec.validate([.init(name: attribute.name, value: attribute.value)])
            return nil
        } catch {
            return "\(attribute.name) = \(attribute.value): \(error)"
        }
    }
}
