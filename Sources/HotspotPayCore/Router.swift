/// A MikroTik router (RADIUS NAS) that sends guests to the portal and lets paid devices in.
public struct Router: Hashable, Sendable, Identifiable {
    public var id: String
    public var name: String
    /// The router's identity as it sends it in NAS-Identifier.
    public var nasIdentifier: String
    /// The address RADIUS requests come from and CoA requests go to.
    public var address: IPAddress
    public var secret: Secret
    /// UDP port of `/radius incoming` on the router (RFC 5176 says 3799; RouterOS's default is 1700).
    public var coaPort: Int
    public var strategy: UnlockStrategy
    /// Sent in the Access-Accept of a device that has not paid (strategy `coa`).
    public var captiveAttributes: [RadiusAttribute]
    /// Added to the Access-Accept and CoA of a device that has paid.
    public var paidAttributes: [RadiusAttribute]
    /// Drop Access-Requests without Message-Authenticator (BlastRADIUS); off only for old RouterOS.
    public var requireMessageAuthenticator: Bool
    /// The hotspot's own address or DNS name as guests' browsers see it (its `dns-name`, or the
    /// hotspot interface's IP). A login URL the portal is handed is believed only when it points
    /// there: anyone can type a MAC and a URL into the portal's query string.
    public var hotspotAddress: String?
    /// The router's REST API, through which the daemon logs a paid device in when its browser
    /// did not (strategy `login`); nil: the router's own MAC-auth retry does it.
    public var api: RouterAPI?

    public static let defaultCoAPort = 3799

    public init(
        id: String, name: String, nasIdentifier: String, address: IPAddress, secret: Secret,
        coaPort: Int = Router.defaultCoAPort, strategy: UnlockStrategy = .login,
        captiveAttributes: [RadiusAttribute] = [],
        paidAttributes: [RadiusAttribute] = [], requireMessageAuthenticator: Bool = true, hotspotAddress: String? = nil,
        api: RouterAPI? = nil
    ) {
        self.id = id
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
        self.api = api
    }

    /// Whether `login` is this router's own login page (the host of its `link-login-only`).
    public func serves(_ login: HotspotLogin) -> Bool { login.isServed(by: hotspotAddress) }

    /// Everything wrong with this router, empty when it can be used.
    public var problems: [ValidationProblem] {
        var problems = Slug.problems(id)
        if name.trimmingSpaces().isEmpty {
            problems.append(ValidationProblem(field: "name", message: "a name is required"))
        }
        if nasIdentifier.isEmpty || nasIdentifier.utf8.count > 253 {
            problems.append(
                ValidationProblem(field: "nas_identifier", message: "expected the router's identity (1 to 253 bytes)"))
        }
        // RFC 2865 asks for secrets of at least 16 octets; shorter ones are brute-forceable
        // from a single captured Access-Request.
        if secret.reveal.utf8.count < 16 || secret.reveal.utf8.count > 128 {
            problems.append(ValidationProblem(field: "secret", message: "expected 16 to 128 characters"))
        }
        if let hotspotAddress,
            hotspotAddress.isEmpty || hotspotAddress.utf8.count > 253
                || !hotspotAddress.utf8.allSatisfy({ byte in
                    (48...57).contains(byte) || (97...122).contains(byte | 0x20) || byte == 45 || byte == 46
                })
        {
            problems.append(
                ValidationProblem(
                    field: "hotspot_address",
                    message:
                        "'\(hotspotAddress.prefix(80))' is not a host name or IPv4 address (the hotspot's dns-name)"))
        }
        if strategy == .coa, captiveAttributes.isEmpty {
            // Without them an unpaid device's Access-Accept carries nothing: full access.
            problems.append(
                ValidationProblem(
                    field: "captive_attributes",
                    message: "a coa router accepts unpaid devices, so it needs captive attributes that hold them to "
                        + "the portal (e.g. Mikrotik-Group = portal-only, with that profile's firewall from the "
                        + "RouterOS script); or use the login strategy, where unpaid devices are refused"))
        }
        if strategy == .coa {
            let fixed = paidAttributes.map(\.name).filter { !RouterOSCoA.changeable.contains($0) }
            if !fixed.isEmpty {
                problems.append(
                    ValidationProblem(
                        field: "paid_attributes",
                        message:
                            "\(fixed.joined(separator: ", ")) cannot be changed by CoA on RouterOS, so a coa router "
                            + "could not unlock with it; put it in the paid Mikrotik-Group's user profile, or use the "
                            + "login strategy (CoA can change: \(RouterOSCoA.changeable.sorted().joined(separator: ", ")))"
                    ))
            }
        }
        if let api { problems += api.problems }
        if !(1...65535).contains(coaPort) {
            problems.append(ValidationProblem(field: "coa_port", message: "\(coaPort) is not a UDP port (1 to 65535)"))
        }
        return problems
    }

    /// Valid but probably not what the operator wants, each with the fix.
    public var setupWarnings: [String] {
        var warnings: [String] = []
        if strategy == .coa {
            warnings.append(
                "router \(id): strategy coa lets unpaid devices in as authorized hotspot users held only by the captive "
                    + "profile's firewall (and each takes a licensed session); if that profile is missing or wrong they "
                    + "reach the Internet. The login strategy (the default) refuses them instead; keep coa only where "
                    + "the router was set up with hotspotpay's script and proven")
        }
        if strategy == .login, hotspotAddress == nil {
            warnings.append(
                "router \(id): strategy login without hotspot_address, so the portal ignores the router's login page "
                    + "and paid guests get online only when the router retries MAC authentication; set it to the "
                    + "hotspot's dns-name (hotspotpay routers update \(id) --hotspot-address NAME)")
        }
        if strategy == .login, api == nil {
            warnings.append(
                "router \(id): strategy login without the REST API, so a guest whose browser closed while paying "
                    + "gets online only when the router retries MAC authentication (login-by includes mac, "
                    + "login-timeout); give the daemon a REST user (hotspotpay routers update \(id) --api-url … "
                    + "--api-user … --api-password … --api-certificate-sha256 …) to log such guests in at once")
        }
        return warnings
    }

    public func validated() throws(ValidationError) -> Router {
        try ValidationError.check(problems)
        return self
    }
}
