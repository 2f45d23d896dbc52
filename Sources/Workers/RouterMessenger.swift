import Radius

/// Sends a CoA-Request or Disconnect-Request to a router and reports its answer. The daemon
/// uses ``CoAClient``; the seam lets the worker's logic be exercised against any peer.
public protocol RouterMessenger: Sendable {
    func send(_ code: RadiusCode, attributes: [RadiusPacket.Attribute], to destination: CoAClient.Destination)
        async throws -> CoAResult
}

extension CoAClient: RouterMessenger {}
