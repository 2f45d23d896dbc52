import Foundation
import TestSupport
import Testing

/// The daemon's text log, read by an operator or a shipper line by line, cannot be forged by a guest.
@Suite struct LogForgingTests {
    @Test func aNewlineAGuestSendsIsEscapedAndStartsNoLineOfItsOwn() async throws {
        let venue = try VenueDaemon(coaPort: try LocalPort.free(.udp))
        try await venue.start()
        let forged = "2026-12-07T00:00:00+0000 notice hotspotpay : payment confirmed order=FAKE"
        let query =
            "mac=F2-11-22-33-44-66&router=zz%0A" + forged.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let answer = try await HTTP.get(URL(string: "\(venue.baseURL)/?\(query)")!)
        #expect(answer.status == 404)
        let daemon = try #require(venue.process)
        try await venue.stop()
        let log = daemon.stderr
        #expect(log.contains("landing from an unknown router"), "\(log.suffix(2000))")
        #expect(log.contains("zz\\n2026-12-07"), "the newline is written as \\n: \(log.suffix(2000))")
        #expect(!log.split(separator: "\n").contains { $0.hasPrefix("2026-12-07T00:00:00+0000 notice") })
    }
}
