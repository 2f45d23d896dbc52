import Foundation
import TestSupport
import Testing

/// What `deploy/` ships, checked by the tools that will read it.
@Suite struct DeploymentFilesTests {
    @Test func theSystemdUnitVerifiesAndKeepsItsHardening() async throws {
        let unit = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("deploy/hotspotpay.service"), encoding: .utf8)
        for line in [
            "User=hotspotpay", "StateDirectory=hotspotpay", "NoNewPrivileges=yes", "ProtectSystem=strict",
            "ReadWritePaths=/var/lib/hotspotpay", "AmbientCapabilities=CAP_NET_BIND_SERVICE",
            "EnvironmentFile=-/etc/hotspotpay/secrets.env", "Restart=on-failure",
        ] {
            #expect(unit.contains("\n\(line)\n"), "missing \(line)")
        }
        // systemd-analyze checks every directive; it also wants the binary to exist, so point
        // ExecStart at the one this test run built.
        let directory = try Fixtures.temporaryDirectory()
        let copy = directory.appendingPathComponent("hotspotpay.service")
        try unit.replacingOccurrences(of: "/usr/bin/hotspotpay", with: DaemonProcess.binary)
            .write(to: copy, atomically: true, encoding: .utf8)
        let (status, text) = try await Subprocess.run("/usr/bin/systemd-analyze", ["verify", copy.path])
        #expect(status == 0, "\(text)")
        #expect(!text.contains(copy.lastPathComponent + ":"), "\(text)")
    }
}
