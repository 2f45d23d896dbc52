import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `deploy/build-deb` makes a package that installs, serves, and removes cleanly on this
/// machine (no systemd running here: the unit is not started, so the test runs the daemon as
/// the unit would, as the package's user with its config and key).
@Suite(.serialized) struct DebianPackageTests {
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await Subprocess.run(executable, arguments)
    }

    @Test func thePackageInstallsServesAndRemoves() async throws {
        guard getuid() == 0 else {
            Issue.record("dpkg -i needs root; .ci/run runs as root")
            return
        }
        let output = try Fixtures.temporaryDirectory()
        let built = try await Self.run(
            "/bin/bash",
            [
                "deploy/build-deb", "--binary", DaemonProcess.binary, "--allow-unpackaged", "--fast", "--output",
                output.path,
            ])
        #expect(built.status == 0, "\(built.output)")
        let package = try #require(built.output.split(separator: "\n").last.map(String.init))
        let control = try await Self.run("/usr/bin/dpkg-deb", ["-f", package, "Depends"])
        for library in ["libsqlite3-0", "libqrencode4", "libfreeradius3", "libtalloc2"] {
            #expect(control.output.contains(library), "Depends: \(control.output)")
        }

        _ = try await Self.run("/usr/bin/dpkg", ["--purge", "hotspotpay"])  // a leftover from an interrupted run
        let install = try await Self.run("/usr/bin/dpkg", ["-i", package])
        #expect(install.status == 0, "\(install.output)")
        defer {
            _ = try? Process.run(URL(fileURLWithPath: "/usr/bin/dpkg"), arguments: ["--purge", "hotspotpay"])
            try? FileManager.default.removeItem(atPath: "/var/lib/hotspotpay")
        }
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/hotspotpay"))
        #expect(FileManager.default.fileExists(atPath: "/lib/systemd/system/hotspotpay.service"))
        #expect(FileManager.default.fileExists(atPath: "/usr/share/hotspotpay/portal/templates/plans.mustache"))
        let check = try await Self.run("/usr/bin/hotspotpay", ["check-config", "/etc/hotspotpay/hotspotpay.yaml"])
        #expect(check.status == 0, "\(check.output)")
        let secrets = try String(contentsOfFile: "/etc/hotspotpay/secrets.env", encoding: .utf8)
        #expect(secrets.hasPrefix("HOTSPOTPAY_SECRET_KEY="))
        let mode = try FileManager.default.attributesOfItem(atPath: "/etc/hotspotpay/secrets.env")[.posixPermissions]
        #expect(mode as? Int == 0o600)

        // Serve as the unit would: the package's user, its config, its key, the installed portal.
        let key = String(secrets.dropFirst("HOTSPOTPAY_SECRET_KEY=".count)).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let port = try LocalPort.free(.tcp)
        let daemon = try DaemonProcess(
            arguments: [
                "--reuid=hotspotpay", "--regid=hotspotpay", "--init-groups", "/usr/bin/hotspotpay", "serve", "--config",
                "/etc/hotspotpay/hotspotpay.yaml",
                "--listen", "127.0.0.1:\(port)", "--radius-auth", "127.0.0.1:0", "--radius-acct", "127.0.0.1:0",
            ], directory: output, environment: ["HOTSPOTPAY_SECRET_KEY": key], executable: "/usr/bin/setpriv")
        let base = try await daemon.waitForPortal()
        let health = try await HTTP.get(base.appendingPathComponent("healthz"))
        #expect(health.status == 200)
        let login = try await HTTP.get(base.appendingPathComponent("mikrotik/login.html"))
        #expect(String(decoding: login.body, as: UTF8.self).contains("$(mac-esc)"))
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
        #expect(FileManager.default.fileExists(atPath: "/var/lib/hotspotpay/hotspotpay.sqlite"))

        let remove = try await Self.run("/usr/bin/dpkg", ["-r", "hotspotpay"])
        #expect(remove.status == 0, "\(remove.output)")
        #expect(!FileManager.default.fileExists(atPath: "/usr/bin/hotspotpay"))
        // A conffile stays until purge.
        #expect(FileManager.default.fileExists(atPath: "/etc/hotspotpay/hotspotpay.yaml"))
        let purge = try await Self.run("/usr/bin/dpkg", ["--purge", "hotspotpay"])
        #expect(purge.status == 0, "\(purge.output)")
        #expect(!FileManager.default.fileExists(atPath: "/etc/hotspotpay"))
        // The sales database is kept.
        #expect(FileManager.default.fileExists(atPath: "/var/lib/hotspotpay/hotspotpay.sqlite"))
    }
}
