import Foundation
import TestSupport
import Testing

/// The operator's commands, run as the operator runs them.
@Suite struct CommandLineTests {
    @Test func checkConfigNamesEveryMistakeAndExitsNonZero() async throws {
        let result = try await DaemonProcess.run(
            ["check-config", Fixtures.path("three-mistakes.yaml")], directory: try Fixtures.temporaryDirectory())
        #expect(result.status == 2)
        for path in ["http.listne", "routers[cafe].secret", "plans[1h].price"] {
            #expect(result.stderr.contains(path), "missing \(path) in: \(result.stderr)")
        }
        #expect(result.stderr.contains("3 problems"))
    }

    @Test func checkConfigRefusesTheExamplesPlaceholdersUntilRealKeysAreGiven() async throws {
        let example = Fixtures.repositoryRoot.appendingPathComponent("deploy/hotspotpay.example.yaml").path
        let directory = try Fixtures.temporaryDirectory()
        let placeholders = try await DaemonProcess.run(["check-config", example], directory: directory)
        #expect(placeholders.status == 2)
        for path in ["providers.vnpay.hash_secret", "providers.vietqr.sepay_api_key", "routers[cafe-1].secret"] {
            #expect(placeholders.stderr.contains(path), "missing \(path) in: \(placeholders.stderr)")
        }
        #expect(placeholders.stderr.contains("placeholder"), "\(placeholders.stderr)")
        let result = try await DaemonProcess.run(
            ["check-config", example], directory: directory,
            environment: [
                "HOTSPOTPAY_VNPAY_HASH_SECRET": "R3alVNPayHashSecretFromThePortal",
                "HOTSPOTPAY_SEPAY_API_KEY": "R3ALSEPAYAPIKEY0123456789",
                "HOTSPOTPAY_ROUTER_CAFE_1_SECRET": "a-real-long-radius-secret",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("OK — 2 plan(s), 1 router(s), providers: momo, vnpay, vietqr"))
        // The example's router unlocks by CoA, so nothing to warn about its login page.
        #expect(!result.stderr.contains("hotspot_address"), "\(result.stderr)")
    }

    @Test func routerOSScriptPrintsTheRoutersSetupOrNamesTheKnownRouters() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let script = try await DaemonProcess.run(
            ["routeros-script", "--router", "demo", "--daemon-address", "192.168.88.10"], directory: directory)
        #expect(script.status == 0, "\(script.stderr)")
        #expect(script.stdout.contains(#"/radius add address=192.168.88.10 secret="demo-radius-secret-change-me""#))
        #expect(script.stdout.contains("/radius incoming set accept=yes port=3799"))
        let unknown = try await DaemonProcess.run(["routeros-script", "--router", "bar"], directory: directory)
        #expect(unknown.status != 0 && unknown.stderr.contains("known routers: demo"), "\(unknown.stderr)")
        let wildcard = try await DaemonProcess.run(
            ["routeros-script", "--router", "demo", "--daemon-address", "0.0.0.0"], directory: directory)
        #expect(wildcard.status != 0 && wildcard.stderr.contains("--daemon-address"), "\(wildcard.stderr)")
    }

    @Test func backupCopiesTheDatabaseAndNeverOverwrites() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let add = try await DaemonProcess.run(
            ["plans", "add", "--id", "3h", "--name-vi", "3 giờ", "--price", "25k", "--duration", "3h"],
            directory: directory)
        #expect(add.status == 0, "\(add.stderr)")
        let copy = directory.appendingPathComponent("copy.sqlite").path
        let backup = try await DaemonProcess.run(["backup", copy], directory: directory)
        #expect(backup.status == 0 && backup.stdout.contains("integrity ok"), "\(backup.stderr)")
        // Every sale and sealed secret: the owner's alone, whatever the umask (was 0644).
        let mode = try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? Int
        #expect(mode == 0o600, "backup mode \(String(mode ?? 0, radix: 8))")
        // The copy is a working database: restored elsewhere, it has the plan.
        let restored = directory.appendingPathComponent("restored")
        try FileManager.default.createDirectory(at: restored, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: copy, toPath: restored.appendingPathComponent("hotspotpay.sqlite").path)
        let list = try await DaemonProcess.run(
            ["plans", "list", "--json", "--data-dir", restored.path], directory: directory)
        #expect(list.stdout.contains(#""3h""#), "\(list.stderr)")
        let again = try await DaemonProcess.run(["backup", copy], directory: directory)
        #expect(again.status != 0 && again.stderr.contains("never overwrite"), "\(again.stderr)")
    }

    @Test func plansCanBeAddedChangedAndTakenOffSale() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let add = try await DaemonProcess.run(
            [
                "plans", "add", "--id", "5gb", "--name-vi", "5 GB", "--price", "50.000", "--duration", "7d",
                "--data-cap", "5GB",
                "--download", "20M", "--upload", "5M",
            ], directory: directory)
        #expect(add.status == 0, "\(add.stderr)")
        let update = try await DaemonProcess.run(["plans", "update", "5gb", "--price", "45k"], directory: directory)
        #expect(update.status == 0, "\(update.stderr)")
        let list = try await DaemonProcess.run(["plans", "list", "--json"], directory: directory)
        let plans = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as! [[String: Any]]
        let plan = try #require(plans.first { $0["id"] as? String == "5gb" })
        #expect(plan["price"] as? Int == 45_000)
        #expect(plan["data_cap_bytes"] as? Int == 5_000_000_000)  // snake_case, as the API

        #expect(try await DaemonProcess.run(["plans", "disable", "5gb"], directory: directory).status == 0)
        #expect(!(try await DaemonProcess.run(["plans", "list"], directory: directory).stdout.contains("5gb")))
        #expect(try await DaemonProcess.run(["plans", "list", "--all"], directory: directory).stdout.contains("5gb"))

        let bad = try await DaemonProcess.run(
            ["plans", "add", "--id", "x", "--name-vi", "X", "--price", "10.5", "--duration", "1h"], directory: directory
        )
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("not an amount in VND"))
    }

    @Test func routersTakeTheirSecretFromTheEnvironmentAndNeverPrintIt() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let add = try await DaemonProcess.run(
            [
                "routers", "add", "--id", "lobby", "--address", "192.168.88.1", "--strategy", "login", "--coa-port",
                "1700",
                "--paid-attribute", "Mikrotik-Rate-Limit = 2M/10M",
            ],
            directory: directory, environment: ["HOTSPOTPAY_ROUTER_LOBBY_SECRET": "lobby-secret-from-env-123"])
        #expect(add.status == 0, "\(add.stderr)")
        let list = try await DaemonProcess.run(["routers", "list"], directory: directory)
        #expect(list.stdout.contains("lobby") && list.stdout.contains("1700") && list.stdout.contains("login"))
        #expect(!list.stdout.contains("lobby-secret"))

        let short = try await DaemonProcess.run(
            ["routers", "add", "--id", "weak", "--address", "192.168.88.2", "--secret", "short"], directory: directory)
        #expect(short.status != 0)
        #expect(short.stderr.contains("secret: expected 16 to 128 characters"))
        #expect(try await DaemonProcess.run(["routers", "remove", "lobby"], directory: directory).status == 0)
    }

    @Test func transactionsListRejectsUnknownFilters() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let result = try await DaemonProcess.run(["transactions", "list", "--status", "done"], directory: directory)
        #expect(result.status != 0)
        #expect(result.stderr.contains("pending, paid, failed, expired, cancelled, refunded"))
        let empty = try await DaemonProcess.run(["transactions", "list", "--json"], directory: directory)
        #expect(empty.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]" || empty.stdout.contains("[]"))
    }

    @Test func listCommandsPrintJSONWithJSONAndTheDataDirectoryIsPrivate() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let add = try await DaemonProcess.run(
            ["operators", "add", "--username", "owner"], directory: directory,
            environment: ["HOTSPOTPAY_OPERATOR_PASSWORD": "a-long-enough-password-1"])
        #expect(add.status == 0, "\(add.stderr)")
        let token = try await DaemonProcess.run(
            ["tokens", "create", "--username", "owner", "--name", "script"], directory: directory)
        #expect(token.status == 0, "\(token.stderr)")
        for (command, key) in [("grants", nil), ("operators", "username"), ("tokens", "prefix")] as [(String, String?)]
        {
            let list = try await DaemonProcess.run([command, "list", "--json"], directory: directory)
            #expect(list.status == 0, "\(list.stderr)")
            let rows = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
            #expect(rows != nil, "\(command) list --json printed: \(list.stdout)")
            if let key { #expect(rows?.first?[key] != nil, "\(command): \(list.stdout)") }
        }
        // The database holds login secrets and callback tokens: only the daemon's user reads it.
        let data = directory.appendingPathComponent("data")
        let database = try #require(
            try FileManager.default.contentsOfDirectory(atPath: data.path).first { $0.hasSuffix(".sqlite") })
        let mode = { (path: String) in
            ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int ?? 0) & 0o777
        }
        #expect(mode(data.path) == 0o700)
        #expect(mode(data.appendingPathComponent(database).path) == 0o600)
        let wal = data.appendingPathComponent(database + "-wal").path
        if FileManager.default.fileExists(atPath: wal) { #expect(mode(wal) & 0o077 == 0) }
    }
}
