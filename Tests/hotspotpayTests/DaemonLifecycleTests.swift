import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The real binary, started the way an operator starts it.
@Suite(.serialized) struct DaemonLifecycleTests {
    @Test func embeddedDefaultsServeHealthzAndTheDemoPlans() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let daemon = try DaemonProcess(arguments: DaemonProcess.serveOnFreePorts, directory: directory)
        let base = try await daemon.waitForPortal()
        let health = try await HTTP.get(base.appendingPathComponent("healthz"))
        #expect(health.status == 200)

        let plans = try await DaemonProcess.run(["plans", "list"], directory: directory)
        #expect(plans.status == 0)
        #expect(plans.stdout.contains("1 giờ / 1 hour") && plans.stdout.contains("10.000 ₫"))
        #expect(plans.stdout.contains("1 ngày / 1 day") && plans.stdout.contains("5GB"))

        let routers = try await DaemonProcess.run(["routers", "list", "--json"], directory: directory)
        #expect(routers.stdout.contains("\"id\" : \"demo\""))
        #expect(!routers.stdout.contains("demo-radius-secret"))

        // The demo's key file is private to its owner.
        let attributes = try FileManager.default.attributesOfItem(
            atPath: directory.appendingPathComponent("data/secret.key").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    /// 64 guests' phones opening the portal at once, 640 pages in all: each page mixes reads
    /// done on the calling thread with GRDB's async reads, and all must keep answering (an
    /// earlier version deadlocked here: synchronous reads waiting for pool readers held by
    /// async reads that were waiting for a free thread).
    @Test func thePortalKeepsAnsweringSixtyFourGuestsAtOnce() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let daemon = try DaemonProcess(arguments: DaemonProcess.serveOnFreePorts, directory: directory)
        let base = try await daemon.waitForPortal()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 64
        configuration.timeoutIntervalForRequest = 20
        let session = URLSession(configuration: configuration)
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for guest in 0..<64 {
                group.addTask {
                    var statuses: [Int] = []
                    for page in 0..<10 {
                        let mac = String(format: "02:00:00:00:%02X:%02X", guest, page)
                        let url = URL(string: "\(base.absoluteString)?mac=\(mac)&ip=10.5.50.9&router=demo")!
                        let (_, response) = try await session.data(from: url)
                        statuses.append((response as? HTTPURLResponse)?.statusCode ?? 0)
                    }
                    return statuses
                }
            }
            return try await group.reduce(into: [Int]()) { $0 += $1 }
        }
        #expect(statuses.count == 640 && statuses.allSatisfy { $0 == 200 })
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    @Test func jsonLogsAreOneObjectPerLine() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let daemon = try DaemonProcess(
            arguments: DaemonProcess.serveOnFreePorts + ["--log-format", "json"], directory: directory)
        _ = try await daemon.waitForPortal()
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
        let lines = daemon.stderr.split(separator: "\n")
        #expect(lines.count >= 3)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["level"] is String && object?["message"] is String && object?["ts"] is String, "\(line)")
        }
        #expect(lines.contains { $0.contains(#""message":"RADIUS listening""#) })
        let refused = try await DaemonProcess.run(
            DaemonProcess.serveOnFreePorts + ["--log-format", "yaml"], directory: directory)
        #expect(refused.status != 0 && refused.stderr.contains("text or json"))
    }

    /// The offline demo sells for real: a sandbox purchase, paid on the sandbox wallet page,
    /// is confirmed through the callback path and shows up as paid with its audit trail.
    @Test func theDemoSellsThroughTheSandboxWallet() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let daemon = try DaemonProcess(arguments: DaemonProcess.serveOnFreePorts, directory: directory)
        let base = try await daemon.waitForPortal()
        let (status, body) = try await HTTP.postJSON(
            base.appendingPathComponent("api/transactions"),
            ["plan": "1h", "provider": "sandbox", "mac": "02:00:00:00:00:01", "router": "demo"])
        #expect(status == 201)
        let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let id = try #require(json["id"] as? String)
        let payment = try #require(json["payment"] as? [String: Any])
        #expect(payment["payURL"] as? String == "http://127.0.0.1:8080/sandbox/wallet/\(id)")
        let wallet = base.appendingPathComponent("sandbox/wallet/\(id)")
        #expect(try await HTTP.get(wallet).status == 200)
        let paid = try await HTTP.postForm(wallet, "action=pay")
        #expect(paid.status == 200)
        #expect(String(decoding: paid.body, as: UTF8.self).contains("paid"))

        let shown = try await DaemonProcess.run(["transactions", "show", id], directory: directory)
        #expect(shown.stdout.contains("paid"))
        #expect(shown.stdout.contains("Timeline"))
        for step in ["created", "provider_request", "paid", "grant"] { #expect(shown.stdout.contains(step), "\(step)") }

        // The demo router (127.0.0.1) now gets the paid attributes for that device from RADIUS.
        let radius = try await daemon.waitForRadius()
        let mac = "02:00:00:00:00:01"
        let accept = try await Radclient.send(
            "auth", port: radius.auth, secret: "demo-radius-secret-change-me",
            attributes: "User-Name = \"\(mac)\", Calling-Station-Id = \"\(mac)\", Message-Authenticator = 0x00"
        ).output
        #expect(accept.contains("Received Access-Accept"), "\(accept)")
        #expect(accept.contains("Mikrotik-Rate-Limit = \"2M/10M\"") && accept.contains("Mikrotik-Group = \"paid\""))
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    /// Guests keep buying while the operator restarts the daemon: every purchase the daemon
    /// acknowledged must be in the database afterwards, and the file must be sound.
    @Test func sigtermMidLoadLosesNoCommittedTransaction() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let daemon = try DaemonProcess(arguments: DaemonProcess.serveOnFreePorts, directory: directory)
        let base = try await daemon.waitForPortal()
        let url = base.appendingPathComponent("api/transactions")
        let acknowledged = Acknowledged()

        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        for request in 0..<2000 {
                            let mac = String(format: "02:00:00:00:%02X:%02X", worker, request % 256)
                            guard
                                let (status, body) = try? await HTTP.postJSON(
                                    url, ["plan": "1h", "provider": "sandbox", "mac": mac, "router": "demo"])
                            else { return }  // the daemon has stopped accepting
                            if status == 201,
                                let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
                                let id = json["id"] as? String
                            {
                                await acknowledged.add(id)
                            }
                        }
                    }
                }
            }
        }
        // Let the load build up, then stop the daemon in the middle of it.
        while await acknowledged.count < 200 { try await Task.sleep(for: .milliseconds(20)) }
        daemon.signal(SIGTERM)
        let status = try await daemon.waitForExit()
        await load.value
        #expect(status == 0, "stderr: \(daemon.stderr.suffix(2000))")

        let ids = await acknowledged.ids
        let store = try SQLiteStore(path: directory.appendingPathComponent("data/hotspotpay.sqlite").path, cipher: nil)
        #expect(try await store.integrityCheck() == "ok")
        var missing: [String] = []
        for id in ids where try await store.transaction(id: id) == nil { missing.append(id) }
        #expect(missing.isEmpty, "\(missing.count) of \(ids.count) acknowledged transactions are missing")
        #expect(ids.count >= 200)
    }

    @Test func aDaemonWithStoredSecretsRefusesToStartWithoutTheKey() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let config = directory.appendingPathComponent("hotspotpay.yaml")
        try """
        data_dir: \(directory.path)/state
        providers:
          sandbox: {unsafe_fake_payments: true}
        routers:
          - id: cafe
            address: 192.168.88.1
            secret: a-long-enough-radius-secret
        """.write(to: config, atomically: true, encoding: .utf8)
        let key = SecretKey.generateText()
        let first = try await DaemonProcess.run(
            ["migrate", "--config", config.path], directory: directory, environment: ["HOTSPOTPAY_SECRET_KEY": key])
        #expect(first.status == 0, "\(first.stderr)")
        // Seed the router's sealed secret with the key, as a first start would.
        let seeded = try DaemonProcess(
            arguments: [
                "serve", "--config", config.path, "--listen", "127.0.0.1:0", "--radius-auth", "127.0.0.1:0",
                "--radius-acct", "127.0.0.1:0",
            ], directory: directory,
            environment: ["HOTSPOTPAY_SECRET_KEY": key])
        _ = try await seeded.waitForPortal()
        seeded.signal(SIGTERM)
        #expect(try await seeded.waitForExit() == 0)

        let keyless = try await DaemonProcess.run(
            [
                "serve", "--config", config.path, "--listen", "127.0.0.1:0", "--radius-auth", "127.0.0.1:0",
                "--radius-acct", "127.0.0.1:0",
            ], directory: directory)
        #expect(keyless.status != 0)
        #expect(keyless.stderr.contains("HOTSPOTPAY_SECRET_KEY"), "\(keyless.stderr)")

        let wrongKey = try await DaemonProcess.run(
            [
                "serve", "--config", config.path, "--listen", "127.0.0.1:0", "--radius-auth", "127.0.0.1:0",
                "--radius-acct", "127.0.0.1:0",
            ], directory: directory,
            environment: ["HOTSPOTPAY_SECRET_KEY": SecretKey.generateText()])
        #expect(wrongKey.status != 0)
        #expect(wrongKey.stderr.contains("sealed with key"), "\(wrongKey.stderr)")
    }
}

actor Acknowledged {
    private(set) var ids: [String] = []
    var count: Int { ids.count }
    func add(_ id: String) { ids.append(id) }
}
