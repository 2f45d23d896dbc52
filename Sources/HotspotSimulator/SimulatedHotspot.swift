import Crypto
import Foundation
import Synchronization

/// A MikroTik RouterOS v7 hotspot as its manual describes it, for tests and demos: devices appear,
/// the hotspot asks RADIUS about them (MAC authentication when `login-by` includes `mac`, retried
/// every `login-timeout` only when one is set — the manual's default is `none`; browser logins
/// with HTTP-CHAP or HTTP-PAP), applies Access-Accept attributes to the session (Session-Timeout
/// ends it, Mikrotik-Total-Limit ends it when the counters reach it, the user profile's
/// `address-list` is applied at login), reports it with Accounting Start, Interim-Update and Stop
/// (with counters), and answers CoA and Disconnect requests (RFC 5176) the way the manual says: a
/// CoA may change only the listed attributes (anything else: CoA-NAK with Error-Cause 401), a
/// request naming another NAS-IP-Address gets 403, one for a session it does not have gets 503,
/// a Disconnect ends the session; `/radius incoming accept=no` answers nothing.
///
/// It also keeps the score the product is judged by: which devices reach the Internet. Where the
/// manual is silent the simulator takes the strict choice: a session whose `Mikrotik-Group` names
/// a profile the router does not have falls back to the default profile, and a CoA changing
/// `Mikrotik-Group` does not re-apply the new profile's address list (so it does not let a device
/// through the setup script's hold).
public final class SimulatedHotspot: Sendable {
    /// How the simulated router is set up.
    public struct Configuration: Sendable {
        public var nasIdentifier: String
        public var secret: String
        /// The RADIUS server's ports on 127.0.0.1.
        public var authPort: Int
        public var accountingPort: Int
        /// `login-by` includes `mac`.
        public var loginByMAC: Bool
        /// `login-timeout`: how long an unauthorized host stays before MAC authentication is tried
        /// again. Manual (HotSpot, server settings): default `none`, no retry at all.
        public var loginTimeoutSeconds: Double?
        /// User profiles that exist on the router and whether they reach the Internet; a session
        /// in no profile, or in one the router lacks, gets `default`.
        public var profiles: [String: Bool]
        /// `/ip hotspot user profile` `address-list`: the list a user of that profile is put in at
        /// login (manual: "address list to which address will be added ... on login").
        public var profileAddressLists: [String: String]
        /// The setup script's hold: forward rules that let an authorized device through only when
        /// its address is in this list (hotspotpay's `coa` script: `hotspotpay-paid`); nil: no
        /// such rules, every authorized device is forwarded.
        public var forwardHold: String?
        /// `mac-auth-mode`: what User-Password a MAC authentication carries.
        public var macAuthMode: MACAuthMode
        /// The router's own address, sent as NAS-IP-Address; a CoA naming another is refused.
        public var nasIPAddress: String
        /// The hotspot's own address: where its login page is.
        public var hotspotAddress: String
        /// Seconds to wait for a RADIUS answer, and how many times to send (RouterOS: 3 s).
        public var radiusTimeoutSeconds: Double
        public var radiusTries: Int
        /// The REST API (`www-ssl`, or `www` when `tls` is false) and the user it accepts; nil: off.
        public var rest: REST?
        /// What the configuration menus hold (the router doctor reads them over REST).
        public var setup: RouterSetup
        /// The hotspot's own web login (`/login`, `login.html`); nil: not served.
        public var loginPage: LoginPage?

        /// The hotspot's servlet pages.
        public struct LoginPage: Sendable {
            /// `login.html` with RouterOS's `$(variables)`; nil: a factory-style form.
            public var template: String?
            /// How long a page's CHAP challenge is good for. The manual does not say; a challenge
            /// is per page, so only the latest page's counts, and not for long.
            public var challengeLifetimeSeconds: Double

            public init(template: String? = nil, challengeLifetimeSeconds: Double = 60) {
                self.template = template
                self.challengeLifetimeSeconds = challengeLifetimeSeconds
            }
        }

        /// A RouterOS user allowed to use the REST API.
        public struct REST: Sendable {
            public var user: String
            public var password: String
            public var tls: Bool
            /// How long a login command takes before the router acts on it (a busy router).
            public var loginDelaySeconds: Double

            public init(user: String, password: String, tls: Bool = true, loginDelaySeconds: Double = 0) {
                self.user = user
                self.password = password
                self.tls = tls
                self.loginDelaySeconds = loginDelaySeconds
            }
        }

        public init(
            nasIdentifier: String, secret: String, authPort: Int, accountingPort: Int, loginByMAC: Bool = true,
            loginTimeoutSeconds: Double? = nil, profiles: [String: Bool] = ["default": true],
            profileAddressLists: [String: String] = [:], forwardHold: String? = nil,
            macAuthMode: MACAuthMode = .macAsUsername, nasIPAddress: String = "127.0.0.1",
            hotspotAddress: String = "10.5.50.1", radiusTimeoutSeconds: Double = 1, radiusTries: Int = 3,
            rest: REST? = nil, setup: RouterSetup = RouterSetup(), loginPage: LoginPage? = nil
        ) {
            self.loginPage = loginPage
            self.nasIdentifier = nasIdentifier
            self.secret = secret
            self.authPort = authPort
            self.accountingPort = accountingPort
            self.loginByMAC = loginByMAC
            self.loginTimeoutSeconds = loginTimeoutSeconds
            self.profiles = profiles
            self.profileAddressLists = profileAddressLists
            self.forwardHold = forwardHold
            self.macAuthMode = macAuthMode
            self.nasIPAddress = nasIPAddress
            self.hotspotAddress = hotspotAddress
            self.radiusTimeoutSeconds = radiusTimeoutSeconds
            self.radiusTries = radiusTries
            self.rest = rest
            self.setup = setup
        }
    }

    /// `mac-auth-mode` (manual, HotSpot server profile).
    public enum MACAuthMode: String, Sendable {
        /// The MAC as User-Name and a blank password.
        case macAsUsername = "mac-as-username"
        /// The MAC as User-Name and as the password.
        case macAsUsernameAndPassword = "mac-as-username-and-password"
    }

    /// An authorized device's session.
    public struct Session: Sendable, Hashable {
        public var id: String
        public var userName: String
        public var ip: String
        public var startedAt: Date
        public var sessionTimeout: UInt32?
        /// When Session-Timeout (from the Accept, or the latest CoA) ends the session.
        public var endsAt: Date?
        public var rateLimit: String?
        public var group: String?
        public var totalLimit: UInt64?
        /// Firewall address lists the session's address was put in at login.
        public var addressLists: Set<String>
        /// Bytes from and to the device (the router's rx and tx), as accounting reports them.
        public var inputOctets: UInt64 = 0
        public var outputOctets: UInt64 = 0
        /// Acct-Interim-Interval from the Accept, else the profile's `radius-interim-update`.
        public var interimSeconds: UInt32?
        /// How the device got in: `mac`, `http-chap`, `http-pap`, `api` or `local`.
        public var loginBy: String
    }

    struct Host: Sendable {
        var ip: String
        var session: Session?
        var chapID: UInt8
        var chapChallenge: [UInt8]
        var retry: Task<Void, Never>?
        var timers: [Task<Void, Never>] = []
        /// The CHAP id and challenge of the login page the device was shown last, and when.
        var page: (id: UInt8, challenge: [UInt8], shownAt: Date)?
    }

    public let configuration: Configuration
    private let secret: [UInt8]
    private let hosts = Mutex<[String: Host]>([:])
    private let log = Mutex<[String]>([])
    private let sessionCounter = Mutex<UInt32>(0x81a0_0000)
    private let stopped = Mutex(false)
    private let radius: UDPEndpoint
    private let incoming: Mutex<UDPEndpoint?> = Mutex(nil)
    private let restAPI: Mutex<SimulatedRESTAPI?> = Mutex(nil)
    private let webLogin: Mutex<SimulatedLoginPage?> = Mutex(nil)
    /// The device whose browser talks to the hotspot's web server.
    private let browser = Mutex<String?>(nil)

    private init(configuration: Configuration, radius: UDPEndpoint) {
        self.configuration = configuration
        self.secret = Array(configuration.secret.utf8)
        self.radius = radius
    }

    /// Starts the router: its RADIUS client socket and `/radius incoming` on `coaPort` (0: any free one).
    public static func start(_ configuration: Configuration, coaPort: Int = 0) async throws -> SimulatedHotspot {
        let radius = try await UDPEndpoint.bind(port: 0) { _ in nil }
        let hotspot = SimulatedHotspot(configuration: configuration, radius: radius)
        let incoming = try await UDPEndpoint.bind(port: coaPort) { [weak hotspot] bytes in
            hotspot?.handleIncoming(bytes)
        }
        hotspot.incoming.withLock { $0 = incoming }
        if let rest = configuration.rest {
            let api = try await SimulatedRESTAPI.start(
                for: hotspot, user: rest.user, password: rest.password, tls: rest.tls)
            hotspot.restAPI.withLock { $0 = api }
        }
        if configuration.loginPage != nil {
            let page = try await SimulatedLoginPage.start(for: hotspot)
            hotspot.webLogin.withLock { $0 = page }
        }
        return hotspot
    }

    /// `$(link-login-only)`: the hotspot's login page, nil when it serves none.
    public var loginURL: String? { webLogin.withLock { $0.map { "http://127.0.0.1:\($0.port)/login" } } }

    /// The methods `login-by` lists.
    var loginBy: Set<String> { Set((configuration.loginByMAC ? ["mac"] : []) + configuration.setup.loginByOthers) }

    /// The device `mac` opens a browser: its requests to the hotspot's web server are its own.
    public func openBrowser(mac rawMAC: String) { browser.withLock { $0 = Self.format(rawMAC) } }

    var browserIsLoggedIn: Bool { browser.withLock { $0 }.map { session(mac: $0) != nil } ?? false }

    /// `login.html` for the browser's device, with a fresh CHAP id and challenge (`$(error)` after
    /// a refused login).
    func loginPageHTML(error: String?, originalURL: String?) -> String {
        guard let mac = browser.withLock({ $0 }), let url = loginURL else { return "<p>no such host</p>" }
        var generator = SystemRandomNumberGenerator()
        let id = UInt8.random(in: 0...255, using: &generator)
        let challenge = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let ip = hosts.withLock { hosts -> String? in
            hosts[mac]?.page = (id, challenge, Date())
            return hosts[mac]?.ip
        }
        guard let ip else { return "<p>no such host</p>" }
        // Manual (Hotspot customisation): chap-id and chap-challenge are printed as octal escapes
        // ("\371", "\357\015…"), and only when login-by includes http-chap.
        let chap = loginBy.contains("http-chap")
        note("\(mac): login page shown\(error.map { " (\($0))" } ?? "")")
        return SimulatedLoginPage.render(
            configuration.loginPage?.template ?? SimulatedLoginPage.factoryTemplate,
            [
                "mac": mac, "ip": ip, "identity": configuration.nasIdentifier, "link-login-only": url,
                "link-login": url, "link-orig": originalURL ?? "http://example.com/", "error": error ?? "",
                "chap-id": chap ? Self.octal([id]) : "", "chap-challenge": chap ? Self.octal(challenge) : "",
                "server-name": "hotspot1",
            ])
    }

    enum FormOutcome: Sendable {
        case loggedIn
        case refused(String)
    }

    /// The browser's device posted the login form: CHAP when `login-by` has http-chap and the
    /// password is a 32-digit hex answer to the latest page's live challenge (used once), PAP
    /// when `login-by` has http-pap; anything else is refused, as is a login RADIUS rejects.
    func formLogin(username: String, password: String) async -> FormOutcome {
        guard let mac = browser.withLock({ $0 }), let host = hosts.withLock({ $0[mac] }) else {
            return .refused("no such host")
        }
        if host.session != nil { return .loggedIn }
        var attributes = identity(mac: mac, ip: host.ip, userName: username)
        var clear: String?
        let method: String
        let lifetime = configuration.loginPage?.challengeLifetimeSeconds ?? 60
        if loginBy.contains("http-chap"), password.count == 32, let answer = Self.bytes(hex: password) {
            guard let page = host.page, Date().timeIntervalSince(page.shownAt) <= lifetime else {
                note("\(mac): CHAP answer to no live challenge")
                return .refused("invalid username or password")
            }
            hosts.withLock { $0[mac]?.page = nil }  // one login per page
            attributes.append(.standard(3, [page.id] + answer))
            attributes.append(.standard(60, page.challenge))
            method = "http-chap"
        } else if loginBy.contains("http-pap") {
            clear = password
            method = "http-pap"
        } else {
            note("\(mac): a login by a method login-by does not list was refused")
            return .refused("invalid username or password")
        }
        let accepted = await authenticate(mac, attributes: attributes, password: clear, loginBy: method)
        return accepted ? .loggedIn : .refused("invalid username or password")
    }

    /// The REST API's base URL (`https://127.0.0.1:PORT`), nil when it is off.
    public var restURL: String? {
        restAPI.withLock { api in
            api.map { "\($0.certificateSHA256 == nil ? "http" : "https")://127.0.0.1:\($0.port)" }
        }
    }

    /// The SHA-256 fingerprint of the REST API's certificate, for pinning.
    public var restCertificateSHA256: String? { restAPI.withLock { $0?.certificateSHA256 } }

    /// `/radius incoming`'s port.
    public var coaPort: Int { incoming.withLock { $0?.port ?? 0 } }

    public func stop() async {
        stopped.withLock { $0 = true }
        for host in hosts.withLock({ Array($0.values) }) {
            host.retry?.cancel()
            for timer in host.timers { timer.cancel() }
        }
        await radius.close()
        await incoming.withLock { $0 }?.close()
        restAPI.withLock { $0 }?.task.cancel()
        webLogin.withLock { $0 }?.task.cancel()
    }

    /// What happened, one line per event, for a test's failure message.
    public var events: [String] { log.withLock { $0 } }

    private func note(_ line: String) { log.withLock { $0.append(line) } }

    // MARK: Devices

    /// A device joins the hotspot's network with `mac` and gets `ip`. With `login-by=mac` the
    /// hotspot asks RADIUS about it at once, then every `login-timeout` until it is in.
    public func deviceAppears(mac rawMAC: String, ip: String) async {
        let mac = Self.format(rawMAC)
        var generator = SystemRandomNumberGenerator()
        let challenge = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let isNew = hosts.withLock { hosts -> Bool in
            guard hosts[mac] == nil else { return false }
            hosts[mac] = Host(ip: ip, chapID: UInt8.random(in: 0...255), chapChallenge: challenge)
            return true
        }
        guard isNew, configuration.loginByMAC else { return }
        await macAuthenticate(mac)
        if configuration.loginTimeoutSeconds != nil { scheduleRetry(mac) }
    }

    /// The device leaves (its session, if any, ends with an Accounting-Stop).
    public func deviceLeaves(mac rawMAC: String) async {
        let mac = Self.format(rawMAC)
        guard let host = hosts.withLock({ $0.removeValue(forKey: mac) }) else { return }
        host.retry?.cancel()
        for timer in host.timers { timer.cancel() }
        if let session = host.session { await account(.stop, session, mac: mac, cause: 1) }  // User-Request
    }

    /// The device sends and receives traffic: the session's counters grow, and a session that
    /// reaches its Mikrotik-Total-Limit ends (RouterOS: "total-limit ... both directions").
    public func deviceUses(mac rawMAC: String, uploadBytes: UInt64, downloadBytes: UInt64) async {
        let mac = Self.format(rawMAC)
        let over = hosts.withLock { hosts -> Bool in
            guard var session = hosts[mac]?.session else { return false }
            session.inputOctets += uploadBytes
            session.outputOctets += downloadBytes
            hosts[mac]?.session = session
            return session.totalLimit.map { session.inputOctets + session.outputOctets >= $0 } ?? false
        }
        if over {
            note("\(mac): total limit reached")
            await endSession(mac, cause: 10)  // NAS-Request: the router ended it
        }
    }

    /// Sends the session's Interim-Update now (as the interim timer would), with its counters.
    public func reportInterim(mac rawMAC: String) async {
        let mac = Self.format(rawMAC)
        guard let session = session(mac: mac) else { return }
        await account(.interim, session, mac: mac)
    }

    /// What `login.html` shows the device: `link-login-only`, `chap-id` and `chap-challenge` as
    /// RouterOS prints them (octal escapes).
    public func loginPage(mac rawMAC: String) -> (loginURL: String, chapID: String, chapChallenge: String)? {
        hosts.withLock { hosts in
            hosts[Self.format(rawMAC)].map { host in
                (
                    "http://\(configuration.hotspotAddress)/login", Self.octal([host.chapID]),
                    Self.octal(host.chapChallenge)
                )
            }
        }
    }

    /// The browser posts `username` and `password` to `link-login-only`: `password` is the hex
    /// CHAP answer the page computed (HTTP-CHAP), or the password itself (`chap: false`, HTTP-PAP).
    /// Returns whether the device is in.
    @discardableResult
    public func browserLogin(mac rawMAC: String, username: String, password: String, chap: Bool = true) async -> Bool {
        let mac = Self.format(rawMAC)
        guard let host = hosts.withLock({ $0[mac] }) else { return false }
        if host.session != nil { return true }
        guard loginBy.contains(chap ? "http-chap" : "http-pap") else {
            note("\(mac): a login by a method login-by does not list was refused")
            return false
        }
        var attributes = identity(mac: mac, ip: host.ip, userName: username)
        var clear: String?
        if chap {
            guard let answer = Self.bytes(hex: password), answer.count == 16 else { return false }
            attributes.append(.standard(3, [host.chapID] + answer))
            attributes.append(.standard(60, host.chapChallenge))
        } else {
            clear = password
        }
        return await authenticate(
            mac, attributes: attributes, password: clear, loginBy: chap ? "http-chap" : "http-pap")
    }

    /// `/ip hotspot active login user=… password=… mac-address=… ip=…`: the host is logged in as
    /// if its browser had posted the password (the router asks RADIUS with it in User-Password).
    /// Returns RouterOS's failure text, nil when the host is in.
    func apiLogin(user: String, password: String, mac rawMAC: String?, ip: String?) async -> String? {
        let found = hosts.withLock { hosts -> (mac: String, host: Host)? in
            if let rawMAC {
                let mac = Self.format(rawMAC)
                return hosts[mac].map { (mac, $0) }
            }
            return hosts.first { $0.value.ip == ip }.map { ($0.key, $0.value) }
        }
        guard let (mac, host) = found else {
            note("REST login for an unknown host (\(rawMAC ?? ip ?? "-"))")
            return "failure: no such host"
        }
        note("\(mac): REST login as \(user)")
        if let delay = configuration.rest?.loginDelaySeconds, delay > 0 {
            try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
        }
        if let ip, ip != host.ip { return "failure: host \(mac) has address \(host.ip), not \(ip)" }
        if host.session != nil { return nil }
        let attributes = identity(mac: mac, ip: host.ip, userName: user)
        guard await authenticate(mac, attributes: attributes, password: password, loginBy: "api") else {
            return "failure: RADIUS server rejected or did not answer"
        }
        return nil
    }

    /// The menus `GET /rest/<menu>` serves.
    static let restMenus = [
        "system/resource", "radius", "radius/incoming", "ip/hotspot", "ip/hotspot/profile", "ip/hotspot/user/profile",
        "ip/hotspot/user", "ip/hotspot/walled-garden", "ip/hotspot/active", "ip/hotspot/host", "ip/firewall/filter",
    ]

    /// A configuration menu as `GET /rest/<path>` prints it (RouterOS prints every value as text).
    func restMenu(_ path: String) -> Any? {
        let setup = configuration.setup
        let yes = { (flag: Bool) in flag ? "true" : "false" }
        switch path {
        case "system/resource":
            return ["version": setup.version, "board-name": "hotspot simulator", "platform": "MikroTik"]
        case "radius":
            return [
                [
                    ".id": "*1", "address": setup.radiusAddress, "service": setup.radiusService,
                    "authentication-port": String(configuration.authPort),
                    "accounting-port": String(configuration.accountingPort),
                    // The manual's values: `no | yes-for-request-resp` (no `yes`).
                    "require-message-auth": setup.requireMessageAuth ? "yes-for-request-resp" : "no", "timeout": "1s",
                    "disabled": "false",
                ]
            ]
        case "radius/incoming":
            return ["accept": yes(setup.incomingAccept), "port": String(coaPort)]
        case "ip/hotspot":
            return [
                [
                    ".id": "*1", "name": "hotspot1", "interface": "bridge-guests", "profile": "hsprof-hotspotpay",
                    "login-timeout": configuration.loginTimeoutSeconds.map { "\(Int($0.rounded(.up)))s" } ?? "none",
                    "disabled": "false",
                ]
            ]
        case "ip/hotspot/profile":
            let loginBy = (configuration.loginByMAC ? ["mac"] : []) + setup.loginByOthers
            return [
                ["name": "default", "use-radius": "false", "login-by": "cookie,http-chap", "dns-name": ""],
                [
                    "name": "hsprof-hotspotpay", "use-radius": yes(setup.useRadius),
                    "login-by": loginBy.joined(separator: ","), "radius-accounting": yes(setup.radiusAccounting),
                    "radius-interim-update": setup.interimUpdate, "radius-mac-format": setup.radiusMACFormat,
                    "dns-name": configuration.hotspotAddress, "hotspot-address": "10.5.50.1",
                ],
            ]
        case "ip/hotspot/user/profile":
            return configuration.profiles.keys.sorted().map { name in
                ["name": name, "address-list": configuration.profileAddressLists[name] ?? ""]
            }
        case "ip/hotspot/user":
            return setup.localUsers.map { ["name": $0, "profile": "default"] }
        case "ip/firewall/filter":
            // The hold as hotspotpay's coa script writes it, when the router has one.
            return configuration.forwardHold.map { list in
                [
                    [
                        "chain": "forward", "hotspot": "auth", "src-address-list": "!" + list, "protocol": "udp",
                        "dst-port": "53", "action": "accept", "disabled": "false",
                    ],
                    [
                        "chain": "forward", "hotspot": "auth", "src-address-list": "!" + list,
                        "dst-address-list": "hotspotpay-open", "action": "accept", "disabled": "false",
                    ],
                    [
                        "chain": "forward", "hotspot": "auth", "src-address-list": "!" + list, "action": "reject",
                        "reject-with": "icmp-admin-prohibited", "disabled": "false",
                    ],
                ]
            } ?? []
        case "ip/hotspot/walled-garden":
            return setup.walledGarden.map { ["dst-host": $0, "action": "allow"] }
        case "ip/hotspot/active":
            return hosts.withLock { hosts in
                hosts.compactMap { mac, host in
                    host.session.map { session in
                        [
                            "user": session.userName, "address": session.ip, "mac-address": mac,
                            "login-by": session.loginBy, "session-id": session.id,
                        ]
                    }
                }
            }
        case "ip/hotspot/host":
            return hosts.withLock { hosts in
                hosts.map { mac, host in
                    ["mac-address": mac, "address": host.ip, "authorized": yes(host.session != nil)]
                }
            }
        default:
            return nil
        }
    }

    public func session(mac rawMAC: String) -> Session? { hosts.withLock { $0[Self.format(rawMAC)]?.session } }

    /// Whether the device's traffic reaches the Internet: authorized, in a profile that does.
    public func reachesInternet(mac rawMAC: String) -> Bool {
        guard let session = session(mac: rawMAC) else { return false }
        if let hold = configuration.forwardHold, !session.addressLists.contains(hold) { return false }
        let profile = session.group.flatMap { configuration.profiles[$0] != nil ? $0 : nil } ?? "default"
        return configuration.profiles[profile] ?? true
    }

    /// The fail-closed check: every device reaching the Internet that is not in `paid`.
    public func unpaidDevicesOnline(paid: Set<String>) -> [String] {
        let paidMACs = Set(paid.map(Self.format))
        return hosts.withLock { Array($0.keys) }.filter { reachesInternet(mac: $0) && !paidMACs.contains($0) }.sorted()
    }

    // MARK: RADIUS client

    private func scheduleRetry(_ mac: String) {
        guard let seconds = configuration.loginTimeoutSeconds else { return }
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                guard let self, !Task.isCancelled, !self.stopped.withLock({ $0 }) else { return }
                // The unauthorized host entry is removed after login-timeout; seen again, it is
                // authenticated again.
                guard self.hosts.withLock({ $0[mac] != nil && $0[mac]?.session == nil }) else { continue }
                await self.macAuthenticate(mac)
            }
        }
        hosts.withLock { $0[mac]?.retry = task }
    }

    private func macAuthenticate(_ mac: String) async {
        guard let host = hosts.withLock({ $0[mac] }), host.session == nil else { return }
        // Manual (HotSpot server profile): `radius-mac-format` "controls how the MAC address of the
        // client is encoded by Hotspot in the User-Name and User-Password attributes when using
        // MAC authentication by RADIUS"; `mac-auth-mode=mac-as-username` (the default) sends a
        // blank password, so User-Password is present and empty (16 bytes of hidden padding).
        let name = Self.format(mac, as: configuration.setup.radiusMACFormat)
        let password = configuration.macAuthMode == .macAsUsername ? "" : name
        _ = await authenticate(
            mac, attributes: identity(mac: mac, ip: host.ip, userName: name), password: password, loginBy: "mac")
    }

    private func identity(mac: String, ip: String, userName: String) -> [RadiusWire.Attribute] {
        [
            .standard(1, userName), .standard(31, mac), .standard(30, "hotspot1"),
            .standard(32, configuration.nasIdentifier), .standard(4, Self.ipBytes(configuration.nasIPAddress)),
            .standard(61, integer: 19), .standard(8, Self.ipBytes(ip)),
        ]
    }

    private func authenticate(_ mac: String, attributes: [RadiusWire.Attribute], password: String?, loginBy: String)
        async -> Bool
    {
        let userName = attributes.first { $0.type == 1 }?.text ?? mac
        // Manual: local `/ip hotspot user` entries are consulted before RADIUS. A local user has
        // no password the daemon knows of; a MAC-named one logs the device in with the default
        // profile (what a stale local user does on a real router).
        if configuration.setup.localUsers.contains(userName) || configuration.setup.localUsers.contains(mac) {
            guard loginBy == "mac" else { return false }
            return await startSession(
                mac, userName: userName, loginBy: "local",
                accept: RadiusWire.Packet(
                    code: 2, identifier: 0, authenticator: [], attributes: []))
        }
        // `use-radius=no`: the hotspot never asks RADIUS; with no local user the login fails.
        guard configuration.setup.useRadius else {
            note("\(mac): use-radius=no and no local user \(userName): refused (\(loginBy))")
            return false
        }
        let request = RadiusWire.accessRequest(
            identifier: radius.identifier(), attributes: attributes, password: password, secret: secret)
        guard
            let reply = await radius.exchange(
                request, port: configuration.authPort, timeout: configuration.radiusTimeoutSeconds,
                tries: configuration.radiusTries)
        else {
            note("\(mac): no answer to the Access-Request (\(loginBy))")
            return false
        }
        guard RadiusWire.replyIsGenuine(reply, requestAuthenticator: Array(request[4..<20]), secret: secret),
            let answer = RadiusWire.parse(reply)
        else {
            note("\(mac): an answer that does not verify was dropped")
            return false
        }
        // RouterOS ≥ 7.15 requires Message-Authenticator in answers (BlastRADIUS).
        guard answer.first(80) != nil else {
            note("\(mac): an answer without Message-Authenticator was dropped")
            return false
        }
        guard answer.code == 2 else {
            note("\(mac): Access-Reject (\(loginBy))")
            return false
        }
        return await startSession(mac, userName: userName, loginBy: loginBy, accept: answer)
    }

    /// The Accept's attributes applied to a new session, reported with an Accounting-Start.
    private func startSession(_ mac: String, userName: String, loginBy: String, accept answer: RadiusWire.Packet)
        async -> Bool
    {
        let number = sessionCounter.withLock {
            $0 += 1
            return $0
        }
        var totalLimit: UInt64?
        if let low = answer.mikrotik(17)?.integer {
            totalLimit = UInt64(answer.mikrotik(18)?.integer ?? 0) << 32 | UInt64(low)
        }
        let group = answer.mikrotik(3)?.text
        // The profile the session runs under: the Accept's group when the router has it, else
        // `default` (the manual is silent; the strict reading). Its address list is applied now,
        // at login, with the Accept's own Mikrotik-Address-List.
        let profile = group.flatMap { configuration.profiles[$0] != nil ? $0 : nil } ?? "default"
        var lists = Set([configuration.profileAddressLists[profile]].compactMap { $0 })
        if let list = answer.mikrotik(19)?.text { lists.insert(list) }
        let now = Date()
        let timeout = answer.first(27)?.integer
        let session = Session(
            id: String(number, radix: 16), userName: userName, ip: hosts.withLock { $0[mac]?.ip } ?? "",
            startedAt: now, sessionTimeout: timeout, endsAt: timeout.map { now.addingTimeInterval(Double($0)) },
            rateLimit: answer.mikrotik(8)?.text, group: group, totalLimit: totalLimit, addressLists: lists,
            interimSeconds: answer.first(85)?.integer ?? Self.seconds(configuration.setup.interimUpdate),
            loginBy: loginBy)
        let added = hosts.withLock { hosts -> Bool in
            guard hosts[mac] != nil, hosts[mac]?.session == nil else { return false }
            hosts[mac]?.session = session
            return true
        }
        guard added else { return true }
        note("\(mac): in by \(loginBy), group \(session.group ?? "-")")
        await account(.start, session, mac: mac)
        startTimers(mac, session)
        return true
    }

    /// Session-Timeout's end and the interim updates, for the session now on `mac`.
    private func startTimers(_ mac: String, _ session: Session) {
        var timers: [Task<Void, Never>] = []
        if let endsAt = session.endsAt {
            timers.append(
                Task { [weak self] in
                    try? await Task.sleep(for: .milliseconds(max(0, Int(endsAt.timeIntervalSinceNow * 1000))))
                    guard let self, !Task.isCancelled else { return }
                    self.note("\(mac): session timeout")
                    await self.endSession(mac, sessionID: session.id, cause: 5)  // Session-Timeout
                })
        }
        if let interval = session.interimSeconds, interval > 0 {
            timers.append(
                Task { [weak self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(Double(interval)))
                        guard let self, !Task.isCancelled, let current = self.session(mac: mac),
                            current.id == session.id
                        else { return }
                        await self.account(.interim, current, mac: mac)
                    }
                })
        }
        let old = hosts.withLock { hosts -> [Task<Void, Never>] in
            let old = hosts[mac]?.timers ?? []
            hosts[mac]?.timers = timers
            return old
        }
        for timer in old { timer.cancel() }
    }

    /// Ends the device's session (`sessionID`: only that one) and reports it with its counters. A
    /// device with `login-by=mac` is authenticated again when the router next tries it: at once
    /// after a Disconnect (`reauthenticate`), else at the next `login-timeout` retry.
    private func endSession(_ mac: String, sessionID: String? = nil, cause: UInt32, reauthenticate: Bool = false)
        async
    {
        let ended = hosts.withLock { hosts -> (Session, [Task<Void, Never>])? in
            guard let session = hosts[mac]?.session, sessionID == nil || session.id == sessionID else { return nil }
            hosts[mac]?.session = nil
            let timers = hosts[mac]?.timers ?? []
            hosts[mac]?.timers = []
            return (session, timers)
        }
        guard let (session, timers) = ended else { return }
        await account(.stop, session, mac: mac, cause: cause)
        for timer in timers { timer.cancel() }
        if reauthenticate, configuration.loginByMAC { await macAuthenticate(mac) }
    }

    enum Accounting: UInt32 {
        case start = 1
        case stop = 2
        case interim = 3
    }

    /// An Accounting-Request for `session`: Interim-Update and Stop carry the counters (RFC 2866:
    /// octets, with RFC 2869's gigawords above 2^32) and the session time; Stop carries `cause`.
    private func account(_ status: Accounting, _ session: Session, mac: String, cause: UInt32 = 6) async {
        var attributes: [RadiusWire.Attribute] = [
            .standard(40, integer: status.rawValue), .standard(44, session.id), .standard(1, session.userName),
            .standard(31, mac), .standard(8, Self.ipBytes(session.ip)), .standard(32, configuration.nasIdentifier),
            .standard(4, Self.ipBytes(configuration.nasIPAddress)),
        ]
        if status != .start {
            attributes += [
                .standard(42, integer: UInt32(truncatingIfNeeded: session.inputOctets)),
                .standard(43, integer: UInt32(truncatingIfNeeded: session.outputOctets)),
                .standard(52, integer: UInt32(truncatingIfNeeded: session.inputOctets >> 32)),
                .standard(53, integer: UInt32(truncatingIfNeeded: session.outputOctets >> 32)),
                .standard(46, integer: UInt32(max(0, Date().timeIntervalSince(session.startedAt)))),
            ]
        }
        if status == .stop { attributes.append(.standard(49, integer: cause)) }  // Acct-Terminate-Cause
        let request = RadiusWire.signedRequest(
            code: 4, identifier: radius.identifier(), attributes: attributes, secret: secret)
        guard
            let reply = await radius.exchange(
                request, port: configuration.accountingPort, timeout: configuration.radiusTimeoutSeconds,
                tries: configuration.radiusTries),
            RadiusWire.replyIsGenuine(reply, requestAuthenticator: Array(request[4..<20]), secret: secret)
        else {
            note("\(mac): Accounting \(status) not answered")
            return
        }
    }

    // MARK: /radius incoming

    /// RFC 5176 as the manual describes RouterOS's: identification attributes name the session;
    /// a CoA may change only the listed attributes.
    static let identification: Set<UInt8> = [1, 4, 8, 31, 32, 44, 55, 80]
    /// Manual (RADIUS, "Change of Authorization"): "RouterOS supports changing the following
    /// attributes: Mikrotik-Group, Mikrotik-Recv-Limit, Mikrotik-Xmit-Limit, Mikrotik-Rate-Limit,
    /// Ascend-Data-Rate, Ascend-Xmit-Rate, Mikrotik-Mark-Id, Filter-Id, Mikrotik-Advertise-Url,
    /// Mikrotik-Advertise-Interval, Session-Timeout, Idle-Timeout, Port-Limit". Numbers from RFC
    /// 2865 and the vendors' dictionaries (MikroTik 14988, Ascend 529).
    static let changeableStandard: Set<UInt8> = [11, 27, 28, 62]  // Filter-Id, Session-/Idle-Timeout, Port-Limit
    static let changeableMikrotik: Set<UInt8> = [1, 2, 3, 8, 11, 12, 13]
    static let changeableAscend: Set<UInt8> = [197, 255]  // Ascend-Data-Rate, Ascend-Xmit-Rate

    func handleIncoming(_ bytes: [UInt8]) -> [UInt8]? {
        // `/radius incoming accept=no`: the router does not take CoA or Disconnect at all.
        guard configuration.setup.incomingAccept else {
            note("/radius incoming accept=no: a request was ignored")
            return nil
        }
        guard RadiusWire.requestIsGenuine(bytes, secret: secret), let request = RadiusWire.parse(bytes),
            request.code == 43 || request.code == 40
        else { return nil }
        let ack: UInt8 = request.code == 43 ? 44 : 41
        func nak(_ cause: UInt32) -> [UInt8] {
            RadiusWire.reply(
                code: ack + 1, to: request, attributes: [.standard(101, integer: cause)], secret: secret)
        }
        let kind = request.code == 43 ? "CoA" : "Disconnect"
        for attribute in request.attributes {
            let allowed: Bool
            if let vendorType = attribute.vendorType {
                let changeable: Set<UInt8> =
                    switch attribute.vendor {
                    case RadiusWire.mikrotikVendor: Self.changeableMikrotik
                    case RadiusWire.ascendVendor: Self.changeableAscend
                    default: []
                    }
                allowed = request.code == 43 && changeable.contains(vendorType)
            } else {
                allowed =
                    Self.identification.contains(attribute.type)
                    || (request.code == 43 && Self.changeableStandard.contains(attribute.type))
            }
            if !allowed {
                note(
                    "\(kind) refused: attribute \(attribute.vendorType.map { "vendor \(attribute.vendor ?? 0) type \($0)" } ?? "\(attribute.type)")"
                )
                return nak(401)
            }
        }
        // RFC 5176 §3: a NAS-IP-Address that is not this router's is a NAS Identification Mismatch.
        // Whether RouterOS checks it is not in the manual; the strict choice is that it does.
        if let nasIP = request.first(4), nasIP.value != Self.ipBytes(configuration.nasIPAddress) {
            note(
                "\(kind) refused: NAS-IP-Address \(nasIP.value.map(String.init).joined(separator: ".")) is not this router"
            )
            return nak(403)
        }
        let sessionID = request.first(44)?.text
        let userName = request.first(1)?.text
        let ip = request.first(8).map { $0.value.map(String.init).joined(separator: ".") }
        let found = hosts.withLock { hosts -> String? in
            hosts.first { _, host in
                guard let session = host.session else { return false }
                if let sessionID { return session.id == sessionID }
                return session.userName == userName && (ip == nil || session.ip == ip)
            }?.key
        }
        guard let mac = found else {
            note("\(kind) for no session (\(sessionID ?? userName ?? "-")): NAK 503")
            return nak(503)
        }
        if request.code == 43 {
            let changed = hosts.withLock { hosts -> Session? in
                guard var session = hosts[mac]?.session else { return nil }
                if let timeout = request.first(27)?.integer {
                    // A new Session-Timeout counts from now.
                    session.sessionTimeout = timeout
                    session.endsAt = Date().addingTimeInterval(Double(timeout))
                }
                if let rate = request.mikrotik(8)?.text { session.rateLimit = rate }
                // The group changes; the address lists applied at login stay as they were.
                if let group = request.mikrotik(3)?.text { session.group = group }
                hosts[mac]?.session = session
                return session
            }
            note("\(mac): CoA applied")
            if let changed, request.first(27) != nil { startTimers(mac, changed) }
        } else {
            note("\(mac): disconnected")
            // A device with login-by=mac logs in again once it sends traffic.
            Task { await self.endSession(mac, cause: 6, reauthenticate: true) }  // Admin-Reset
        }
        return RadiusWire.reply(code: ack, to: request, attributes: [], secret: secret)
    }

    // MARK: Text

    /// A MAC as a `radius-mac-format` template spells it (manual: `XX:XX:XX:XX:XX:XX`, the
    /// default, `XXXX:XXXX:XXXX`, `XXXXXX:XXXXXX`, `XX-XX-XX-XX-XX-XX`, `XXXXXX-XXXXXX`,
    /// `XXXXXXXXXXXX`, `XX XX XX XX XX XX`, and the same in lower case): each `X`/`x` is the next
    /// hex digit in that case, anything else is copied.
    static func format(_ mac: String, as template: String) -> String {
        var digits = Array(mac.filter(\.isHexDigit)).makeIterator()
        return String(
            template.map { character -> Character in
                switch character {
                case "X": Character(digits.next().map { String($0).uppercased() } ?? "0")
                case "x": Character(digits.next().map { String($0).lowercased() } ?? "0")
                default: character
                }
            })
    }

    /// `5m`, `30s`, `1h` as RouterOS prints a time; nil for `0s`, `none` or anything else.
    static func seconds(_ text: String) -> UInt32? {
        guard let unit = text.last, let value = UInt32(text.dropLast()), value > 0 else { return nil }
        switch unit {
        case "s": return value
        case "m": return value * 60
        case "h": return value * 3600
        default: return nil
        }
    }

    /// `AA:BB:CC:DD:EE:FF`, RouterOS's default `radius-mac-format`.
    static func format(_ mac: String) -> String {
        let digits = Array(mac.uppercased().filter(\.isHexDigit))
        guard digits.count == 12 else { return mac.uppercased() }
        return stride(from: 0, to: 12, by: 2).map { String(digits[$0..<($0 + 2)]) }.joined(separator: ":")
    }

    static func octal(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 8)
            return "\\" + String(repeating: "0", count: 3 - digits.count) + digits
        }.joined()
    }

    static func ipBytes(_ text: String) -> [UInt8] {
        let parts = text.split(separator: ".").compactMap { UInt8($0) }
        return parts.count == 4 ? parts : [0, 0, 0, 0]
    }

    static func bytes(hex: String) -> [UInt8]? {
        let characters = Array(hex.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for index in stride(from: 0, to: characters.count, by: 2) {
            guard let byte = UInt8(String(decoding: characters[index..<(index + 2)], as: UTF8.self), radix: 16) else {
                return nil
            }
            out.append(byte)
        }
        return out
    }
}
