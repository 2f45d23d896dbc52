import ArgumentParser
import Config
import Console
import Foundation
import HotspotPayCore

struct RoutersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routers", abstract: "List and change the MikroTik routers allowed to use this daemon.",
        subcommands: [List.self, Add.self, Update.self, Remove.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List routers (secrets are never printed).")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let routers = try await options.runtime().openStore().routers()
            if options.json { return try JSONOutput.print(routers.map(RouterView.init)) }
            var table = TextTable("ID", "NAME", "ADDRESS", "NAS-IDENTIFIER", "COA PORT", "STRATEGY", "MSG-AUTH")
            for router in routers {
                table.add(
                    router.id, router.name, router.address.description, router.nasIdentifier, "\(router.coaPort)",
                    router.strategy.rawValue, router.requireMessageAuthenticator ? "required" : "optional")
            }
            print(table.rendered)
        }
    }

    /// Fields shared by add and update; nil means "not given".
    struct Fields: ParsableArguments {
        @Option(help: "A name operators recognise.") var name: String?
        @Option(name: .customLong("nas-identifier"), help: "The router's identity (/system identity).")
        var nasIdentifier: String?
        @Option(help: "The router's IP address as this daemon sees it.") var address: String?
        @Option(
            help: "RADIUS shared secret (16+ characters). Prefer HOTSPOTPAY_ROUTER_<ID>_SECRET: options show in `ps`.")
        var secret: String?
        @Option(name: .customLong("coa-port"), help: "UDP port of /radius incoming on the router.") var coaPort: Int?
        @Option(
            help:
                "coa (login-by=mac; unlocked by Disconnect and the router's re-authentication) or login (browser login after payment)."
        ) var strategy: String?
        @Option(
            name: .customLong("captive-attribute"),
            help: "Attribute for unpaid devices, e.g. 'Mikrotik-Group = portal-only'. Repeatable.")
        var captiveAttributes: [String] = []
        @Option(name: .customLong("paid-attribute"), help: "Attribute added for paid devices. Repeatable.")
        var paidAttributes: [String] = []
        @Option(
            name: .customLong("require-message-authenticator"),
            help: "true (default) or false for RouterOS older than 7.15.")
        var requireMessageAuthenticator: Bool?
        @Option(
            name: .customLong("hotspot-address"),
            help: "The hotspot's dns-name or address (login URLs must point there), e.g. hotspot.cafe.vn.")
        var hotspotAddress: String?
        @Option(
            name: .customLong("api-url"),
            help:
                "The router's REST API, https://HOST[:PORT] (www-ssl); empty removes it. Lets the daemon log a paid device in when its browser did not."
        )
        var apiURL: String?
        @Option(
            name: .customLong("api-user"),
            help: "The RouterOS user for the REST API (group with rest-api, read, write).")
        var apiUser: String?
        @Option(
            name: .customLong("api-password"),
            help: "Its password. Prefer HOTSPOTPAY_ROUTER_<ID>_API_PASSWORD: options show in `ps`.")
        var apiPassword: String?
        @Option(
            name: .customLong("api-certificate-sha256"),
            help: "SHA-256 fingerprint of the router's www-ssl certificate (/certificate print detail).")
        var apiCertificateSHA256: String?
        @Option(
            name: .customLong("api-plain-http"),
            help: "true to allow an http:// API URL (a private management network only).")
        var apiPlainHTTP: Bool?

        /// The options as the console's router changes (validated there against the RADIUS
        /// dictionary, as for the web form and API). The secret may come from the environment.
        func changes(id: String) -> RouterChanges {
            let environment = ProcessInfo.processInfo.environment
            let fromEnvironment = environment[SecretOverrides.routerSecretVariable(id: id)]
            return RouterChanges(
                name: name, nasIdentifier: nasIdentifier, address: address, secret: secret ?? fromEnvironment,
                coaPort: coaPort, strategy: strategy,
                captiveAttributes: captiveAttributes.isEmpty ? nil : captiveAttributes,
                paidAttributes: paidAttributes.isEmpty ? nil : paidAttributes,
                requireMessageAuthenticator: requireMessageAuthenticator, hotspotAddress: hotspotAddress,
                apiURL: apiURL, apiUser: apiUser,
                apiPassword: apiPassword ?? environment[SecretOverrides.routerAPIPasswordVariable(id: id)],
                apiCertificateSHA256: apiCertificateSHA256, apiPlainHTTP: apiPlainHTTP)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a router.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Short id, e.g. cafe-1.") var id: String
        @OptionGroup var fields: Fields

        func run() async throws {
            let runtime = try options.runtime()
            let router = try await runtime.console(try await runtime.openStore()).routers.add(
                id: id, fields.changes(id: id), actor: "cli")
            print(
                "added router \(router.id) at \(router.address) (strategy \(router.strategy.rawValue), CoA port \(router.coaPort))"
            )
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a router.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The router's id.") var id: String
        @OptionGroup var fields: Fields

        func run() async throws {
            let runtime = try options.runtime()
            _ = try await runtime.console(try await runtime.openStore()).routers.update(
                id: id, fields.changes(id: id), actor: "cli")
            print("updated router \(id)")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a router; its sales history stays.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The router's id.") var id: String

        func run() async throws {
            let runtime = try options.runtime()
            try await runtime.console(try await runtime.openStore()).routers.remove(id: id, actor: "cli")
            print("removed router \(id)")
        }
    }
}
