import ArgumentParser
import Config
import Foundation
import HotspotPayCore

struct RouterOSScriptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routeros-script",
        abstract: "Print the RouterOS v7 commands that wire a router to this daemon.",
        discussion: """
            RADIUS entry with the router's secret, CoA accepted, the hotspot profile for the router's \
            strategy, the walled garden for the portal and providers, the firewall accept for CoA, and \
            the portal's login.html. Paste the output into the router's terminal or /import it.
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "The router's id, as in `hotspotpay routers`.") var router: String
    @Option(
        name: .customLong("daemon-address"),
        help:
            "This machine's IPv4 address on the router's network (default: radius.auth_listen, else public_url's host)."
    )
    var daemonAddress: String?
    @Option(
        name: .customLong("other-node"),
        help:
            "Another daemon on the same database (several nodes): the router asks it when this one does not answer. Repeat for each."
    )
    var otherNodes: [String] = []
    @Option(help: "The hotspot server profile to configure.") var profile = "hsprof1"

    func run() async throws {
        let runtime = try options.runtime()
        let config = runtime.config
        let store = try await runtime.openStore()
        try await store.checkSecretKey()
        // Routers in the config file count even before the daemon's first start.
        _ = try await runtime.seed(store)
        guard let router = try await store.router(id: self.router) else {
            let known = try await store.routers().map(\.id)
            throw ValidationError(
                "no router '\(self.router)'; known routers: \(known.isEmpty ? "none" : known.joined(separator: ", "))")
        }
        do {
            let script = try RouterOSScript.forConfig(
                config, router: router, daemonAddress: daemonAddress, otherNodes: otherNodes, profile: profile)
            print(script.text, terminator: "")
        } catch {
            throw ValidationError(error.description)
        }
    }
}
