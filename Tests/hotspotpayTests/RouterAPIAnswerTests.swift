import Foundation
import HotspotPayCore
import Hummingbird
import HummingbirdTesting
import RouterOSAPI
import TestSupport
import Testing

/// The router doctor's REST calls go to whatever URL a router has: what comes back from a host that
/// is not RouterOS is described, never shown (or the doctor reads any intranet page for whoever may
/// edit routers).
@Suite struct RouterAPIAnswerTests {
    @Test func anAnswerThatIsNotRouterOSIsDescribedWithoutItsContent() async throws {
        let router = Hummingbird.Router()
        router.get("/rest/ip/hotspot/profile") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "<html>INTRANET-PAYROLL-PAGE</html>")))
        }
        router.get("/rest/system/identity") { _, _ in
            Response(
                status: .internalServerError, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"detail":"INTERNAL-SERVICE-SECRET"}"#)))
        }
        router.get("/rest/radius") { _, _ in
            Response(
                status: .badRequest, headers: [.contentType: "application/json"],
                body: ResponseBody(
                    byteBuffer: ByteBuffer(string: #"{"error":400,"message":"Bad Request","detail":"no such item"}"#)))
        }
        try await Application(router: router).test(.live) { client in
            var venue = Fixtures.router()
            venue.api = RouterAPI(
                url: "http://127.0.0.1:\(client.port!)", user: "u", password: Secret("p"), plainHTTP: true)
            // What is judged is the answer's shape, not the time: a loaded test run (2 cores, every
            // suite at once) has delayed this local answer past the 5 s an operator's doctor waits.
            let api = RouterOSClient(timeoutSeconds: 60)
            for path in ["ip/hotspot/profile", "system/identity"] {
                do {
                    _ = try await api.entries(router: venue, path: path)
                    Issue.record("\(path): an answer that is not RouterOS's was taken")
                } catch {
                    #expect(!"\(error)".contains("INTRANET") && !"\(error)".contains("SECRET"))
                    #expect("\(error)".contains("not RouterOS"), "\(error)")
                }
            }
            // RouterOS's own error shape is still reported, as the operator needs it.
            do {
                _ = try await api.entries(router: venue, path: "radius")
                Issue.record("a RouterOS error was taken as entries")
            } catch { #expect("\(error)".contains("no such item"), "\(error)") }
        }
    }
}
