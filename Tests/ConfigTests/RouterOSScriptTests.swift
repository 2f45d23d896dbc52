import Config
import HotspotPayCore
import Payments
import TestSupport
import Testing

@Suite struct RouterOSScriptTests {
    /// One RouterOS command: its menu path, verb and `key=value` arguments (quotes and escapes undone).
    struct Command: Equatable {
        var path: [String]
        var verb: String
        var arguments: [String: String]
    }

    /// Reads the script the way RouterOS's console would split it; comments and `:if` lines apart.
    static func parse(_ script: String) throws -> (commands: [Command], conditionals: [String]) {
        var commands: [Command] = []
        var conditionals: [String] = []
        for line in script.split(separator: "\n").map(String.init) {
            if line.hasPrefix("#") { continue }
            if line.hasPrefix(":") {
                conditionals.append(line)
                continue
            }
            #expect(line.hasPrefix("/"), "not a RouterOS command: \(line)")
            var tokens: [String] = []
            var current = ""
            var quoted = false
            var brackets = 0
            var iterator = line.makeIterator()
            while let character = iterator.next() {
                if quoted {
                    if character == "\\", let next = iterator.next() {
                        current.append(next)
                    } else if character == "\"" {
                        quoted = false
                    } else {
                        current.append(character)
                    }
                } else if character == "\"" {
                    quoted = true
                } else if character == "[" || character == "]" {
                    brackets += character == "[" ? 1 : -1
                    current.append(character)
                } else if character == " " && brackets == 0 {
                    if !current.isEmpty { tokens.append(current) }
                    current = ""
                } else {
                    current.append(character)
                }
            }
            #expect(!quoted && brackets == 0, "unbalanced: \(line)")
            if !current.isEmpty { tokens.append(current) }
            let verbIndex = try #require(tokens.firstIndex { ["add", "set", "remove", "fetch"].contains($0) })
            let path = tokens[..<verbIndex].flatMap { $0.split(separator: "/").map(String.init) }
            var arguments: [String: String] = [:]
            for token in tokens[(verbIndex + 1)...] {
                if let equals = token.firstIndex(of: "=") {
                    arguments[String(token[..<equals])] = String(token[token.index(after: equals)...])
                } else {
                    arguments[token] = ""  // `[find name=...]`
                }
            }
            commands.append(Command(path: path, verb: tokens[verbIndex], arguments: arguments))
        }
        return (commands, conditionals)
    }

    static func script(
        strategy: UnlockStrategy, messageAuth: Bool = true, hotspotAddress: String? = nil, otherNodes: [String] = []
    ) throws -> String {
        var router = Fixtures.router(id: "cafe-1", address: "192.168.88.1", strategy: strategy)
        router.hotspotAddress = hotspotAddress
        router.secret = Secret(#"se"cret$with\odd"#)
        router.coaPort = 3799
        router.requireMessageAuthenticator = messageAuth
        var providers = ProviderSettings(sandbox: SandboxSettings())
        providers.momo = MoMoSettings(
            partnerCode: "MOMO", accessKey: Secret("a"), secretKey: Secret("b"), endpoint: "https://payment.momo.vn")
        providers.vnpay = VNPaySettings(tmnCode: "ABCD1234", hashSecret: Secret("h"))
        return try RouterOSScript(
            router: router, daemonAddress: "192.168.88.10", authPort: 1812, acctPort: 1813,
            publicURL: "https://wifi.example.vn", providers: providers, otherNodes: otherNodes
        ).text
    }

    /// Several nodes on one database: a RADIUS server entry for each, this daemon first, and the
    /// other node allowed everything this one is (CoA through the firewall, the portal before
    /// paying, the REST API user).
    @Test func aSecondNodeGetsItsOwnRadiusEntryAndTheSameAccess() throws {
        let script = try Self.script(strategy: .coa, otherNodes: ["192.168.88.11"])
        let (commands, conditionals) = try Self.parse(script)
        let servers = commands.filter { $0.path == ["radius"] && $0.verb == "add" }
        #expect(servers.map { $0.arguments["address"] } == ["192.168.88.10", "192.168.88.11"])
        #expect(Set(servers.map { $0.arguments["secret"] }).count == 1)
        for node in ["192.168.88.10", "192.168.88.11"] {
            #expect(conditionals.contains { $0.contains("src-address=\(node) dst-port=3799 action=accept") }, "\(node)")
            #expect(
                commands.contains {
                    $0.path == ["ip", "hotspot", "walled-garden", "ip"] && $0.arguments["dst-address"] == node
                })
            #expect(
                commands.contains {
                    $0.path == ["ip", "firewall", "address-list"] && $0.arguments["list"] == "hotspotpay-open"
                        && $0.arguments["address"] == node
                })
        }
        let user = try #require(commands.first { $0.path == ["user"] && $0.verb == "add" })
        #expect(user.arguments["address"] == "192.168.88.10/32,192.168.88.11/32")
        // One node: the script as before.
        #expect(try Self.script(strategy: .coa).components(separatedBy: "/radius add").count == 2)
        #expect(throws: RouterOSScript.Problem.self) {
            try Self.script(strategy: .coa, otherNodes: ["node-b.local"])
        }
    }

    @Test(arguments: [UnlockStrategy.coa, .login])
    func everyStrategyGetsACompleteScript(_ strategy: UnlockStrategy) throws {
        let script = try Self.script(strategy: strategy)
        let (commands, conditionals) = try Self.parse(script)
        func command(_ path: String, _ verb: String = "add") -> [Command] {
            commands.filter { $0.path == path.split(separator: " ").map(String.init) && $0.verb == verb }
        }
        #expect(command("system identity", "set").first?.arguments["name"] == "nas-cafe-1")
        let radius = try #require(command("radius").first)
        #expect(radius.arguments["address"] == "192.168.88.10")
        #expect(radius.arguments["secret"] == #"se"cret$with\odd"#)
        #expect(radius.arguments["service"] == "hotspot")
        #expect(radius.arguments["authentication-port"] == "1812" && radius.arguments["accounting-port"] == "1813")
        #expect(radius.arguments["require-message-auth"] == "yes-for-request-resp")
        // The daemon accepts RADIUS only from the router's configured address: the router sends from it.
        #expect(radius.arguments["src-address"] == "192.168.88.1")
        let incoming = try #require(command("radius incoming", "set").first)
        #expect(incoming.arguments["accept"] == "yes" && incoming.arguments["port"] == "3799")
        let profile = try #require(command("ip hotspot profile", "set").first)
        #expect(script.contains(#"/ip hotspot profile set [find name="hsprof1"] "#))
        #expect(profile.arguments["use-radius"] == "yes" && profile.arguments["radius-accounting"] == "yes")
        #expect(profile.arguments["radius-interim-update"] == "5m")
        switch strategy {
        case .coa:
            #expect(profile.arguments["login-by"] == "mac")
            #expect(profile.arguments["mac-auth-mode"] == "mac-as-username")
        case .login:
            // The browser's login, and the router's own MAC-auth retry for a closed browser.
            #expect(profile.arguments["login-by"] == "http-chap,http-pap,mac")
            #expect(profile.arguments["mac-auth-mode"] == "mac-as-username")
        }
        // login-timeout is the hotspot server's, not the profile's (RouterOS would refuse the whole line).
        #expect(profile.arguments["login-timeout"] == nil)
        let server = try #require(command("ip hotspot", "set").first)
        #expect(server.arguments["login-timeout"] == (strategy == .login ? "5s" : "30s"))
        #expect(script.contains(#"/ip hotspot set [find profile="hsprof1"] "#))
        // The REST API: a least-privilege group, a user only the daemon's address may use, www-ssl on.
        let group = try #require(command("user group").first)
        let policies = Set((group.arguments["policy"] ?? "").split(separator: ",").map(String.init))
        #expect(policies.isSuperset(of: ["read", "write", "api", "rest-api"]))
        #expect(policies.isSuperset(of: ["!policy", "!password", "!sensitive", "!ssh", "!winbox", "!reboot"]))
        let user = try #require(command("user").first)
        #expect(user.arguments["group"] == "hotspotpay-api" && user.arguments["address"] == "192.168.88.10/32")
        #expect((user.arguments["password"] ?? "").count >= 16)
        #expect(command("ip service", "set").first?.arguments["disabled"] == "no")
        #expect(conditionals.contains { $0.contains("/certificate sign") })
        let garden = command("ip hotspot walled-garden").compactMap { $0.arguments["dst-host"] }
        #expect(garden.contains("wifi.example.vn"))
        #expect(garden.contains("payment.momo.vn") && garden.contains("*.momo.vn"))
        #expect(garden.contains("sandbox.vnpayment.vn"))
        #expect(command("ip hotspot walled-garden ip").first?.arguments["dst-address"] == "192.168.88.10")
        // The CoA firewall accept, whichever branch the router takes.
        let firewall = try #require(conditionals.first)
        #expect(firewall.contains("src-address=192.168.88.10 dst-port=3799 action=accept"))
        #expect(firewall.components(separatedBy: "/ip firewall filter add chain=input protocol=udp").count == 3)
        let option = try #require(command("ip dhcp-server option").first)
        #expect(option.arguments["code"] == "114")
        #expect(option.arguments["value"] == "'https://wifi.example.vn/api/captive'")
        let fetch = try #require(commands.first { $0.verb == "fetch" })
        #expect(fetch.arguments["url"] == "https://wifi.example.vn/mikrotik/login.html")
        #expect(fetch.arguments["dst-path"] == "hotspot/login.html")
    }

    @Test func theHotspotsDNSNameIsTheLoginPageThePortalBelieves() throws {
        let named = try Self.script(strategy: .login, hotspotAddress: "hotspot.cafe.vn")
        let profile = try #require(try Self.parse(named).commands.first { $0.path == ["ip", "hotspot", "profile"] })
        #expect(profile.arguments["dns-name"] == "hotspot.cafe.vn")
        let byAddress = try Self.script(strategy: .login, hotspotAddress: "10.5.50.1")
        #expect(
            try Self.parse(byAddress).commands.first { $0.path == ["ip", "hotspot", "profile"] }?.arguments["dns-name"]
                == nil)
        #expect(byAddress.contains("hotspot interface's address 10.5.50.1"))
        let unset = try Self.script(strategy: .login)
        #expect(unset.contains("--hotspot-address"))
    }

    @Test(arguments: [UnlockStrategy.coa, .login])
    func runningTheScriptTwiceChangesNothingBecauseEveryEntryItAddsIsReplaced(_ strategy: UnlockStrategy) throws {
        let (commands, _) = try Self.parse(try Self.script(strategy: strategy))
        for (index, command) in commands.enumerated() where command.verb == "add" {
            let removedBefore = commands[..<index].contains { $0.verb == "remove" && $0.path == command.path }
            #expect(removedBefore, "/\(command.path.joined(separator: " ")) add is not preceded by its remove")
            let marked =
                command.arguments["comment"]?.hasPrefix("hotspotpay") == true
                || command.arguments["name"]?.hasPrefix("hotspotpay") == true || command.path.last == "address-list"
            #expect(marked, "/\(command.path.joined(separator: " ")) add carries no hotspotpay mark")
        }
    }

    @Test func aCoARouterHoldsEveryAuthorizedDeviceOutsideThePaidListToThePortal() throws {
        let (commands, _) = try Self.parse(try Self.script(strategy: .coa))
        let profiles = commands.filter { $0.path == ["ip", "hotspot", "user", "profile"] && $0.verb == "add" }
        #expect(profiles.map { $0.arguments["name"] } == ["portal-only", "paid"])
        #expect(profiles.last?.arguments["address-list"] == "hotspotpay-paid")
        let forward = commands.filter { $0.path == ["ip", "firewall", "filter"] && $0.arguments["chain"] == "forward" }
        #expect(
            forward.allSatisfy {
                $0.arguments["hotspot"] == "auth" && $0.arguments["src-address-list"] == "!hotspotpay-paid"
            })
        #expect(forward.map { $0.arguments["action"] } == ["accept", "accept", "reject"], "the last word is no")
        let open = commands.filter { $0.path == ["ip", "firewall", "address-list"] && $0.verb == "add" }
            .compactMap { $0.arguments["address"] }
        #expect(open.contains("192.168.88.10") && open.contains("wifi.example.vn") && open.contains("payment.momo.vn"))
        let redirect = try #require(commands.first { $0.path == ["ip", "firewall", "nat"] && $0.verb == "add" })
        #expect(redirect.arguments["to-addresses"] == "192.168.88.10" && redirect.arguments["to-ports"] == "443")
        // A login router needs none of it: unpaid devices are never authorized there.
        let login = try Self.parse(try Self.script(strategy: .login)).commands
        #expect(
            !login.contains {
                $0.path == ["ip", "hotspot", "user", "profile"] || $0.path == ["ip", "firewall", "nat"]
            })
    }

    @Test func oldRouterOSGetsNoMessageAuthenticatorRequirement() throws {
        let (commands, _) = try Self.parse(try Self.script(strategy: .coa, messageAuth: false))
        #expect(commands.first { $0.path == ["radius"] && $0.verb == "add" }?.arguments["require-message-auth"] == "no")
    }

    @Test(arguments: ["0.0.0.0", "wifi.example.vn", "192.168.88", ""])
    func aDaemonAddressTheRouterCannotUseIsRefused(_ address: String) {
        #expect(throws: RouterOSScript.Problem.daemonAddress(address)) {
            try RouterOSScript(
                router: Fixtures.router(), daemonAddress: address, authPort: 1812, acctPort: 1813,
                publicURL: "https://wifi.example.vn", providers: ProviderSettings())
        }
    }
}
