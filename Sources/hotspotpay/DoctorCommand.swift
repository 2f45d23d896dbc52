import ArgumentParser
import Config
import Foundation
import HotspotPayCore
import Logging
import Radius
import RouterOSAPI

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Read a live router over its REST API and list every difference from what this daemon expects.",
        discussion: """
            Checks the RADIUS entry and ports, /radius incoming, the hotspot profile (use-radius, login-by for \
            the router's strategy, accounting, MAC format, dns-name), login-timeout, local users that would \
            override RADIUS, the user profiles the router is told to use, and the walled garden entry for the \
            portal. Each difference comes with the RouterOS command that fixes it. Nothing on the router is \
            changed. Needs the router's REST API settings (hotspotpay routers update ID --api-url …). Exits 1 \
            when a problem is found.
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "The router's id, as in `hotspotpay routers`.") var router: String
    @Option(
        help: """
            A test device's MAC on the router: also run a real round trip with it, timed (unpaid: a wrong-password \
            login must be refused; paid with a session: CoA and Disconnect acknowledged, then back online).
            """)
    var live: String?

    func run() async throws {
        let runtime = try options.runtime()
        let store = try await runtime.openStore()
        try await store.checkSecretKey()
        _ = try await runtime.seed(store)
        guard let router = try await store.router(id: self.router) else {
            throw ValidationError("no router '\(self.router)'")
        }
        guard router.api != nil else {
            throw ValidationError(
                "router \(router.id) has no REST API settings: hotspotpay routers update \(router.id) --api-url "
                    + "https://ROUTER --api-user USER --api-password … --api-certificate-sha256 FINGERPRINT")
        }
        var report = await RouterDoctor().examine(router, expecting: runtime.config.doctorExpectations)
        if let live, report.error == nil {
            let mac: MACAddress
            do { mac = try MACAddress(live) } catch { throw ValidationError("--live: '\(live)' is not a MAC address") }
            var logger = Logger(label: "hotspotpay")
            logger.logLevel = .warning
            try RadiusDictionary.load()
            let coa = try await CoAClient.start(logger: logger)
            report.findings += await RouterLiveCheck(
                router: router, mac: mac, store: store, client: RouterOSClient(), coa: coa
            ).run()
            await coa.close()
        }
        if options.json {
            try JSONOutput.print(report)
        } else {
            print(Self.text(report), terminator: "")
        }
        if report.problems > 0 { throw ExitCode(1) }
    }

    static func text(_ report: RouterDoctor.Report) -> String {
        var out = "router \(report.routerID)\(report.version.map { " (RouterOS \($0))" } ?? "")\n"
        if let error = report.error { return out + "✘ cannot read the router: \(error)\n" }
        for finding in report.findings {
            let mark =
                switch finding.severity {
                case .ok: "✔"
                case .warning: "!"
                case .problem: "✘"
                }
            out += "\(mark) \(finding.check): \(finding.found)\n"
            if let fix = finding.fix { out += "    fix: \(fix)\n" }
            if finding.severity != .ok, let manual = finding.manual { out += "    see: \(manual.rawValue)\n" }
        }
        let problems = report.findings.filter { $0.severity == .problem }.count
        let warnings = report.findings.filter { $0.severity == .warning }.count
        out += "\(problems) problem(s), \(warnings) warning(s)\n"
        return out
    }
}

extension HotspotPayConfig {
    /// What the router doctor compares a router against.
    var doctorExpectations: RouterDoctor.Expectations {
        RouterDoctor.Expectations(
            // Port 0 (any free one) says nothing about the port the router must use.
            portalHost: URL(string: publicURL)?.host?.lowercased(),
            authPort: radiusAuthListen.port > 0 ? radiusAuthListen.port : nil,
            accountingPort: radiusAcctListen.port > 0 ? radiusAcctListen.port : nil,
            portalUsesHTTPS: URL(string: publicURL)?.scheme?.lowercased() == "https")
    }
}
