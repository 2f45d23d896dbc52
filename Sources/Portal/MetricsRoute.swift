import Console
import Foundation
import HotspotPayCore
import Hummingbird
import Prometheus

/// `/metrics` in Prometheus text format. Counters and histograms are kept by swift-metrics as
/// things happen; `collect` refreshes what is read from elsewhere (the database, the RADIUS
/// server's counters) just before each scrape. Open to direct loopback requests (a Prometheus on
/// the same host); anything else, including requests relayed by a reverse proxy, needs the API
/// token of an operator whose role reads reports (owner or manager: sales counters are business
/// data a cashier is refused everywhere else).
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
            let access = try await access(request, context)
            if access == .belowReports {
                return AdminResponses.error(
                    status: .forbidden, api: true,
                    message: "metrics need the token of an owner or manager (they read sales figures)")
            }
            guard access == .allowed else {
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

    private enum Access { case allowed, unauthenticated, belowReports }

    private func access(_ request: Request, _ context: PortalRequestContext) async throws -> Access {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer",
                let identity = try await accounts.identity(bearerToken: String(parts[1]))
            else { return .unauthenticated }
            return identity.person.role.allows(.reports) ? .allowed : .belowReports
        }
        let peer = context.remoteAddress?.ipAddress ?? ""
        let forwarded = request.headers[.init("X-Forwarded-For")!] != nil || request.headers[.init("Forwarded")!] != nil
        return (peer == "127.0.0.1" || peer == "::1") && !forwarded ? .allowed : .unauthenticated
    }
}
