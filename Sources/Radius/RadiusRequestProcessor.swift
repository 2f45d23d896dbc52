import Logging

/// Turns one datagram into at most one reply: who sent it, is it genuine, is it a duplicate,
/// then the access decision or the accounting record. Everything dropped is counted by reason.
public struct RadiusRequestProcessor: Sendable {
    /// Which port the datagram arrived on; each takes only its own packet codes.
    public enum Service: String, Sendable {
        case authentication
        case accounting
    }

    let directory: any RadiusClientDirectory
    let policy: any AccessPolicy
    let accounting: any AccountingSink
    public let counters: RadiusCounters
    let duplicates: DuplicateCache
    let logger: Logger

    public init(
        directory: any RadiusClientDirectory, policy: any AccessPolicy, accounting: any AccountingSink,
        counters: RadiusCounters = RadiusCounters(), duplicateWindowSeconds: Double = 30, logger: Logger
    ) {
        self.directory = directory
        self.policy = policy
        self.accounting = accounting
        self.counters = counters
        self.duplicates = DuplicateCache(window: duplicateWindowSeconds)
        self.logger = logger
    }

    public func process(_ bytes: [UInt8], from address: String, port: Int, service: Service) async -> [UInt8]? {
        let header: RadiusPacketHeader
        do { header = try RadiusPacketHeader(bytes) } catch { return drop(error.reason, address) }
        let expected: Set<RadiusCode> =
            service == .authentication ? [.accessRequest] : [.accountingRequest]
        guard expected.contains(header.code) else { return drop("wrong_port_or_code", address) }
        let client: RadiusClient
        do {
            guard let found = try await directory.client(address: address) else {
                return drop("unknown_client", address)
            }
            client = found
        } catch {
            logger.error("router lookup failed", metadata: ["address": "\(address)", "error": "\(error)"])
            return drop("lookup_failed", address)
        }
        let key = DuplicateCache.Key(address: address, port: port, identifier: header.identifier)
        switch duplicates.begin(key, authenticator: header.authenticator) {
        case .answered(let reply):
            counters.add("duplicate")
            return reply
        case .inFlight:
            return drop("duplicate_in_flight", address)
        case .new:
            break
        }
        let reply = await answer(bytes, client: client, address: address)
        duplicates.finish(key, authenticator: header.authenticator, reply: reply)
        return reply
    }

    private func answer(_ bytes: [UInt8], client: RadiusClient, address: String) async -> [UInt8]? {
        let packet: RadiusPacket
        do { packet = try RadiusCodec.decodeRequest(bytes, secret: client.secret) } catch {
            return drop(error.reason, address)
        }
        do {
            switch packet.code {
            case .accessRequest:
                if client.requireMessageAuthenticator && !packet.hasMessageAuthenticator {
                    return drop("missing_message_authenticator", address)
                }
                let decision = try await policy.decide(AccessRequest(packet), client: client)
                switch decision {
                case .accept(let attributes):
                    counters.add("accept")
                    return try RadiusCodec.encodeResponse(
                        .accessAccept, attributes: attributes, to: packet, secret: client.secret,
                        messageAuthenticator: true)
                case .reject(let reason):
                    counters.add("reject")
                    logger.info(
                        "access rejected",
                        metadata: [
                            "router": "\(client.routerID)", "user": "\(packet["User-Name"] ?? "")",
                            "reason": "\(reason)",
                        ])
                    return try RadiusCodec.encodeResponse(
                        .accessReject, attributes: [], to: packet, secret: client.secret, messageAuthenticator: true)
                }
            case .accountingRequest:
                guard let record = AccountingRecord(packet) else { return drop("unknown_status_type", address) }
                try await accounting.record(record, client: client)
                counters.add("accounting")
                return try RadiusCodec.encodeResponse(
                    .accountingResponse, attributes: [], to: packet, secret: client.secret, messageAuthenticator: false)
            default:
                return drop("unexpected_code", address)
            }
        } catch {
            // No reply: the router retransmits, and a database back by then answers it.
            logger.error(
                "request not answered", metadata: ["router": "\(client.routerID)", "error": "\(error)"])
            return drop("internal_error", address)
        }
    }

    private func drop(_ reason: String, _ address: String) -> [UInt8]? {
        counters.add("drop_" + reason)
        logger.debug("dropped", metadata: ["reason": "\(reason)", "address": "\(address)"])
        return nil
    }
}
