import Console
import Foundation
import Hummingbird
import Prometheus

/// `/metrics` in Prometheus text format. Counters and histograms are kept by swift-metrics as
/// things happen; `collect` refreshes what is read from elsewhere (the database, the RADIUS
/// server's counters) just before each scrape. Open to direct loopback requests (a Prometheus on
/// the same host); anything else, including requests relayed by a reverse proxy, needs an
/// operator API token (`Authorization: Bearer hpt_…`), since sales figures are business data.
public struct MetricsRoute: Sendable {
    let registry: PrometheusCollectorRegistry
    let accounts: OperatorAccounts
    let collect: @Sendable () async -> Void

    public init(
        registry: PrometheusCollectorRegistry, accounts: OperatorAccounts, collect: @escaping @Sendable () async -> Void
    ) {
        self.registry = registry
        self.accounts = accounts
        self.collect = collect
    }

    public func register(on router: Hummingbird.Router<PortalRequestContext>) {
        router.get("/metrics") { request, context in
            guard try await allowed(request, context) else {
                var response = AdminResponses.error(
                    status: .unauthorized, api: true,
                    message: "metrics need an operator API token, or a request from this host")
                response.headers[.wwwAuthenticate] = "Bearer realm=\"hotspotpay\""
                return response
            }
            await collect()
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }

    private func allowed(_ request: Request, _ context: PortalRequestContext) async throws -> Bool {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
            return try await accounts.identity(bearerToken: String(parts[1])) != nil
        }
        let peer = context.remoteAddress?.ipAddress ?? ""
        let forwarded = request.headers[.init("X-Forwarded-For")!] != nil || request.headers[.init("Forwarded")!] != nil
        return (peer == "127.0.0.1" || peer == "::1") && !forwarded
    }
}
