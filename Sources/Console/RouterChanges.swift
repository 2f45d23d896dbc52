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

    public init(
        name: String? = nil, nasIdentifier: String? = nil, address: String? = nil, secret: String? = nil,
        coaPort: Int? = nil, strategy: String? = nil, captiveAttributes: [String]? = nil,
        paidAttributes: [String]? = nil, requireMessageAuthenticator: Bool? = nil, hotspotAddress: String? = nil
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
    }

    enum CodingKeys: String, CodingKey {
        case name
        case nasIdentifier = "nas_identifier"
        case address, secret
        case coaPort = "coa_port"
        case strategy
        case captiveAttributes = "captive_attributes"
        case paidAttributes = "paid_attributes"
        case requireMessageAuthenticator = "require_message_authenticator"
        case hotspotAddress = "hotspot_address"
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
        guard problems.isEmpty else { throw .invalid(problems) }
        let rules = router.problems
        guard rules.isEmpty else { throw .invalid(rules) }
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
