import Crypto
import Foundation
import Synchronization

/// A MikroTik RouterOS v7 hotspot as its manual describes it, for tests and demos: devices appear,
/// the hotspot asks RADIUS about them (MAC authentication when `login-by` includes `mac`, retried
/// every `login-timeout` until the device is in; browser logins with HTTP-CHAP), applies
/// Access-Accept attributes to the session, reports it with Accounting Start/Stop, and answers
/// CoA and Disconnect requests (RFC 5176) the way the manual says: a CoA may change only the
/// listed attributes (anything else: CoA-NAK with Error-Cause 401), a request for a session it
/// does not have gets Error-Cause 503, a Disconnect ends the session.
///
/// It also keeps the score the product is judged by: which devices reach the Internet. A session
/// whose `Mikrotik-Group` names a profile the router does not have falls back to the default
/// profile — the manual does not say, so the simulator assumes the worst.
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
        /// How long an unauthorized host stays before MAC authentication is tried again.
        public var loginTimeoutSeconds: Double
        /// User profiles that exist on the router and whether they reach the Internet; a session
        /// in no profile, or in one the router lacks, gets `default`.
        public var profiles: [String: Bool]
        /// The hotspot's own address: where its login page is.
        public var hotspotAddress: String
        /// Seconds to wait for a RADIUS answer, and how many times to send (RouterOS: 3 s).
        public var radiusTimeoutSeconds: Double
        public var radiusTries: Int
        /// The REST API (`www-ssl`, or `www` when `tls` is false) and the user it accepts; nil: off.
        public var rest: REST?
        /// What the configuration menus hold (the router doctor reads them over REST).
        public var setup: RouterSetup

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
            loginTimeoutSeconds: Double = 15, profiles: [String: Bool] = ["default": true],
            hotspotAddress: String = "10.5.50.1", radiusTimeoutSeconds: Double = 1, radiusTries: Int = 3,
            rest: REST? = nil, setup: RouterSetup = RouterSetup()
        ) {
            self.nasIdentifier = nasIdentifier
            self.secret = secret
            self.authPort = authPort
            self.accountingPort = accountingPort
            self.loginByMAC = loginByMAC
            self.loginTimeoutSeconds = loginTimeoutSeconds
            self.profiles = profiles
            self.hotspotAddress = hotspotAddress
            self.radiusTimeoutSeconds = radiusTimeoutSeconds
            self.radiusTries = radiusTries
            self.rest = rest
            self.setup = setup
        }
    }

    /// An authorized device's session.
    public struct Session: Sendable, Hashable {
        public var id: String
        public var userName: String
        public var ip: String
        public var startedAt: Date
        public var sessionTimeout: UInt32?
        public var rateLimit: String?
        public var group: String?
        public var totalLimit: UInt64?
        /// How the device got in: `mac`, `http-chap` or `http-pap`.
        public var loginBy: String
    }

    struct Host: Sendable {
        var ip: String
        var session: Session?
        var chapID: UInt8
        var chapChallenge: [UInt8]
        var retry: Task<Void, Never>?
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
        return hotspot
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
        for host in hosts.withLock({ Array($0.values) }) { host.retry?.cancel() }
        await radius.close()
        await incoming.withLock { $0 }?.close()
        restAPI.withLock { $0 }?.task.cancel()
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
        scheduleRetry(mac)
    }

    /// The device leaves (its session, if any, ends with an Accounting-Stop).
    public func deviceLeaves(mac rawMAC: String) async {
        let mac = Self.format(rawMAC)
        guard let host = hosts.withLock({ $0.removeValue(forKey: mac) }) else { return }
        host.retry?.cancel()
        if let session = host.session { await account(.stop, session, mac: mac) }
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
        "ip/hotspot/user", "ip/hotspot/walled-garden", "ip/hotspot/active", "ip/hotspot/host",
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
                    "login-timeout": "\(Int(configuration.loginTimeoutSeconds.rounded(.up)))s", "disabled": "false",
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
            return configuration.profiles.keys.sorted().map { ["name": $0] }
        case "ip/hotspot/user":
            return setup.localUsers.map { ["name": $0, "profile": "default"] }
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
        let seconds = configuration.loginTimeoutSeconds
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
        _ = await authenticate(
            // Manual (HotSpot, `mac-auth-mode=mac-as-username`, the default): the MAC as User-Name and a
            // blank password, so User-Password is present and empty (16 bytes of hidden padding).
            mac, attributes: identity(mac: mac, ip: host.ip, userName: mac), password: "", loginBy: "mac")
    }

    private func identity(mac: String, ip: String, userName: String) -> [RadiusWire.Attribute] {
        [
            .standard(1, userName), .standard(31, mac), .standard(30, "hotspot1"),
            .standard(32, configuration.nasIdentifier), .standard(4, [127, 0, 0, 1]),
            .standard(61, integer: 19), .standard(8, Self.ipBytes(ip)),
        ]
    }

    private func authenticate(_ mac: String, attributes: [RadiusWire.Attribute], password: String?, loginBy: String)
        async -> Bool
    {
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
        let number = sessionCounter.withLock {
            $0 += 1
            return $0
        }
        var totalLimit: UInt64?
        if let low = answer.mikrotik(17)?.integer {
            totalLimit = UInt64(answer.mikrotik(18)?.integer ?? 0) << 32 | UInt64(low)
        }
        let session = Session(
            id: String(number, radix: 16), userName: attributes.first { $0.type == 1 }?.text ?? mac,
            ip: hosts.withLock { $0[mac]?.ip } ?? "", startedAt: Date(), sessionTimeout: answer.first(27)?.integer,
            rateLimit: answer.mikrotik(8)?.text, group: answer.mikrotik(3)?.text, totalLimit: totalLimit,
            loginBy: loginBy)
        let added = hosts.withLock { hosts -> Bool in
            guard hosts[mac] != nil, hosts[mac]?.session == nil else { return false }
            hosts[mac]?.session = session
            return true
        }
        guard added else { return true }
        note("\(mac): in by \(loginBy), group \(session.group ?? "-")")
        await account(.start, session, mac: mac)
        return true
    }

    enum Accounting: UInt32 {
        case start = 1
        case stop = 2
    }

    private func account(_ status: Accounting, _ session: Session, mac: String) async {
        let request = RadiusWire.signedRequest(
            code: 4, identifier: radius.identifier(),
            attributes: [
                .standard(40, integer: status.rawValue), .standard(44, session.id), .standard(1, session.userName),
                .standard(31, mac), .standard(8, Self.ipBytes(session.ip)), .standard(32, configuration.nasIdentifier),
                .standard(4, [127, 0, 0, 1]),
            ] + (status == .stop ? [.standard(49, integer: 6)] : []),  // Acct-Terminate-Cause: Admin-Reset
            secret: secret)
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
    static let changeableStandard: Set<UInt8> = [11, 27, 28, 62]  // Filter-Id, Session-/Idle-Timeout, Port-Limit
    static let changeableMikrotik: Set<UInt8> = [1, 2, 3, 8, 11, 12, 13]

    func handleIncoming(_ bytes: [UInt8]) -> [UInt8]? {
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
                allowed = request.code == 43 && Self.changeableMikrotik.contains(vendorType)
            } else {
                allowed =
                    Self.identification.contains(attribute.type)
                    || (request.code == 43 && Self.changeableStandard.contains(attribute.type))
            }
            if !allowed {
                note(
                    "\(kind) refused: attribute \(attribute.vendorType.map { "Mikrotik \($0)" } ?? "\(attribute.type)")"
                )
                return nak(401)
            }
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
            hosts.withLock { hosts in
                guard var session = hosts[mac]?.session else { return }
                if let timeout = request.first(27)?.integer { session.sessionTimeout = timeout }
                if let rate = request.mikrotik(8)?.text { session.rateLimit = rate }
                if let group = request.mikrotik(3)?.text { session.group = group }
                hosts[mac]?.session = session
            }
            note("\(mac): CoA applied")
        } else {
            let ended = hosts.withLock { hosts -> Session? in
                let session = hosts[mac]?.session
                hosts[mac]?.session = nil
                return session
            }
            note("\(mac): disconnected")
            if let ended {
                Task {
                    await self.account(.stop, ended, mac: mac)
                    // A device with login-by=mac logs in again once it sends traffic.
                    if self.configuration.loginByMAC { await self.macAuthenticate(mac) }
                }
            }
        }
        return RadiusWire.reply(code: ack, to: request, attributes: [], secret: secret)
    }

    // MARK: Text

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
