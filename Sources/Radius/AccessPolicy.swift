/// Decides Access-Requests (the store-backed one looks up the device's grant). Synchronous:
/// it runs on the UDP event loop, so it must only do short local reads.
public protocol AccessPolicy: Sendable {
    func decide(_ request: AccessRequest, client: RadiusClient) throws -> AccessAnswer
}
