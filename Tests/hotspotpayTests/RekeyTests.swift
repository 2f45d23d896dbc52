import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

/// `hotspotpay rekey` against a running daemon that reads its key from a file: the RADIUS server
/// answers every Access-Request before, during and after the rotation, and a restart opens
/// everything with the rotated file.
@Suite(.serialized) struct RekeyTests {
    @Test func rotatingTheKeyUnderLoadLosesNoAnswerAndSurvivesARestart() async throws {
        let peer = try await FreeRADIUSPeer(secret: VenueDaemon.routerSecret)
        let venue = try VenueDaemon(coaPort: peer.port, keyInFile: true)
        try await venue.start()
        let process = try #require(venue.process)
        let (auth, _) = try await process.waitForRadius(timeout: 30)
        let oldKey = try SecretKey(text: venue.key, source: "test")

        // Access-Requests keep coming while the key is rotated (a new MAC each, as devices join).
        let load = Task { () -> [Bool] in
            var answered: [Bool] = []
            for index in 0..<60 {
                let mac = String(format: "F2:00:00:00:%02X:%02X", index / 256, index % 256)
                let reply = try await Radclient.send(
                    "auth", port: auth, secret: VenueDaemon.routerSecret,
                    attributes:
                        "User-Name = \"\(mac)\", Calling-Station-Id = \"\(mac)\", NAS-Identifier = \"venue-hap\", "
                        + "Message-Authenticator = 0x00", timeout: 2)
                answered.append(reply.output.contains("Received Access-Accept"))
                try await Task.sleep(for: .milliseconds(150))
            }
            return answered
        }
        try await Task.sleep(for: .seconds(2))
        let rekey = try await venue.command(["rekey"])
        #expect(rekey.status == 0, "\(rekey.stderr)")
        #expect(rekey.stdout.contains("re-sealed 1 secrets from key \(oldKey.id)"), "\(rekey.stdout)")
        let answered = try await load.value
        #expect(answered.count == 60 && answered.allSatisfy { $0 }, "\(answered)")

        // The file lists the new key first and keeps the old one; the database names only the new.
        let file = try String(
            contentsOf: venue.directory.appendingPathComponent("hotspotpay.key"), encoding: .utf8)
        let keys = file.split(separator: "\n").map(String.init)
        #expect(keys.count == 2 && keys[1] == venue.key)
        let newKey = try SecretKey(text: keys[0], source: "test")
        #expect(newKey.id != oldKey.id)
        let sealed = try await venue.command(["routers", "list", "--json"])
        #expect(sealed.status == 0, "\(sealed.stderr)")

        // Long after the snapshot's refresh the daemon still answers (it read the file again).
        try await Task.sleep(for: .seconds(6))
        let after = try await Radclient.send(
            "auth", port: auth, secret: VenueDaemon.routerSecret,
            attributes: "User-Name = \"F2:00:00:00:FF:01\", Calling-Station-Id = \"F2:00:00:00:FF:01\", "
                + "NAS-Identifier = \"venue-hap\", Message-Authenticator = 0x00", timeout: 2)
        #expect(after.output.contains("Received Access-Accept"), "\(after.output)")
        try await venue.stop()

        // Restarted with only the new key, everything opens.
        try "\(keys[0])\n".write(
            to: venue.directory.appendingPathComponent("hotspotpay.key"), atomically: true, encoding: .utf8)
        try await venue.start()
        let restarted = try #require(venue.process)
        let (authAgain, _) = try await restarted.waitForRadius(timeout: 30)
        let reply = try await Radclient.send(
            "auth", port: authAgain, secret: VenueDaemon.routerSecret,
            attributes: "User-Name = \"F2:00:00:00:FF:02\", Calling-Station-Id = \"F2:00:00:00:FF:02\", "
                + "NAS-Identifier = \"venue-hap\", Message-Authenticator = 0x00", timeout: 2)
        #expect(reply.output.contains("Received Access-Accept"), "\(reply.output)")
        try await venue.stop()
    }
}
