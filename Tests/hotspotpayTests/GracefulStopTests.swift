import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A daemon told to stop (systemd's SIGTERM on an upgrade) stops promptly even while guests' pay
/// pages hold status streams open: the server waits for open responses, and a stream lasts minutes.
@Suite struct GracefulStopTests {
    @Test func aStoppingDaemonEndsItsOpenStatusStreams() async throws {
        let venue = try VenueDaemon(coaPort: try LocalPort.free(.udp))
        try await venue.start()
        let transaction = try await CheckoutEndToEndTests.startPurchase(venue, mac: "F2:00:00:00:44:01")
        let url = URL(string: "\(venue.baseURL)/pay/\(transaction.id)/events")!
        // A guest's pay page: a client holding the status stream open.
        let reader = try SpawnedProcess("/usr/bin/curl", ["-sN", url.absoluteString], output: "/dev/null")
        try await Task.sleep(for: .seconds(1.5))  // the stream is open, the purchase still pending
        let started = Date()
        try await venue.stop()
        let took = Date().timeIntervalSince(started)
        #expect(took < 10, "stopping took \(took) s with a status stream open")
        reader.signal(SIGKILL)
    }
}
