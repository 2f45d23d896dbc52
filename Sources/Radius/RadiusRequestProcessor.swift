import Foundation
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
    let clock: @Sendable () -> Date

    public init(
        directory: any RadiusClientDirectory, policy: any AccessPolicy, accounting: any AccountingSink,
        counters: RadiusCounters = RadiusCounters(), duplicateWindowSeconds: Double = 30, logger: Logger,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.directory = directory
        self.policy = policy
        self.accounting = accounting
        self.counters = counters
        self.duplicates = DuplicateCache(window: duplicateWindowSeconds)
        self.logger = logger
        self.clock = clock
    }

    /// What to do with one datagram: answered (or dropped) already, or accounting work to
    /// finish off the event loop because it writes to the store.
    public enum Handling: Sendable {
        case done([UInt8]?)
        case accounting(AccountingWork)
    }

    /// An accounting request that passed every check; `run` records it and returns the reply.
    public struct AccountingWork: Sendable {
        let processor: RadiusRequestProcessor
        let packet: RadiusPacket
        let client: RadiusClient
        let key: DuplicateCache.Key
        let address: String

        public func run() async -> [UInt8]? {
            let reply = await processor.account(packet, client: client, address: address)
            processor.duplicates.finish(key, authenticator: packet.authenticator, reply: reply)
            return reply
        }
    }

    /// Everything up to the answer of an Access-Request runs here, synchronously, on the
    /// caller's thread: header, router, duplicate check, decode and verify, decision, encode.
    public func receive(_ bytes: [UInt8], from address: String, port: Int, service: Service) -> Handling {
        let header: RadiusPacketHeader
        do { header = try RadiusPacketHeader(bytes) } catch { return .done(drop(error.reason, address)) }
        let expected: RadiusCode = service == .authentication ? .accessRequest : .accountingRequest
        guard header.code == expected else { return .done(drop("wrong_port_or_code", address)) }
        let client: RadiusClient
        do {
            guard let found = try directory.client(address: address) else {
                return .done(drop("unknown_client", address))
            }
            client = found
        } catch {
            logger.error("router lookup failed", metadata: ["address": "\(address)", "error": "\(error)"])
            return .done(drop("lookup_failed", address))
        }
        let key = DuplicateCache.Key(address: address, port: port, identifier: header.identifier)
        switch duplicates.begin(key, authenticator: header.authenticator) {
        case .answered(let reply):
            counters.add("duplicate")
            return .done(reply)
        case .inFlight:
            return .done(drop("duplicate_in_flight", address))
        case .new:
            break
        }
        let packet: RadiusPacket
        do { packet = try RadiusCodec.decodeRequest(bytes, secret: client.secret) } catch {
            duplicates.finish(key, authenticator: header.authenticator, reply: nil)
            return .done(drop(error.reason, address))
        }
        // Only genuine packets get here, so a stale timestamp is a recorded packet played again
        // (or a router without NTP, which the log says so the operator can fix it).
        if let stale = EventTimestamp.staleness(of: bytes, now: clock()) {
            duplicates.finish(key, authenticator: header.authenticator, reply: nil)
            logger.warning(
                "request with a stale Event-Timestamp dropped",
                metadata: [
                    "router": "\(client.routerID)", "reason": "\(stale)",
                    "fix": "/system ntp client set enabled=yes (and servers) on the router",
                ])
            return .done(drop("stale_event_timestamp", address))
        }
        if packet.code == .accountingRequest {
            return .accounting(
                AccountingWork(processor: self, packet: packet, client: client, key: key, address: address))
        }
        let reply = access(packet, client: client, address: address)
        duplicates.finish(key, authenticator: header.authenticator, reply: reply)
        return .done(reply)
    }

    private func access(_ packet: RadiusPacket, client: RadiusClient, address: String) -> [UInt8]? {
        if client.requireMessageAuthenticator && !packet.hasMessageAuthenticator {
            return drop("missing_message_authenticator", address)
        }
        do {
            switch try policy.decide(AccessRequest(packet), client: client) {
            case .accept(let attributes):
                counters.add("accept")
                return try RadiusCodec.encodeResponse(
                    .accessAccept, attributes: attributes, to: packet, secret: client.secret, messageAuthenticator: true
                )
            case .reject(let reason):
                counters.add("reject")
                logger.info(
                    "access rejected",
                    metadata: [
                        "router": "\(client.routerID)", "user": "\(packet["User-Name"] ?? "")", "reason": "\(reason)",
                    ])
                return try RadiusCodec.encodeResponse(
                    .accessReject, attributes: [], to: packet, secret: client.secret, messageAuthenticator: true)
            }
        } catch {
            return unanswered(error, client: client, address: address)
        }
    }

    private func account(_ packet: RadiusPacket, client: RadiusClient, address: String) async -> [UInt8]? {
        guard let record = AccountingRecord(packet) else { return drop("unknown_status_type", address) }
        do {
            try await accounting.record(record, client: client)
            counters.add("accounting")
            return try RadiusCodec.encodeResponse(
                .accountingResponse, attributes: [], to: packet, secret: client.secret, messageAuthenticator: false)
        } catch {
            return unanswered(error, client: client, address: address)
        }
    }

    /// No reply: the router retransmits, and a database back by then answers it.
    private func unanswered(_ error: any Error, client: RadiusClient, address: String) -> [UInt8]? {
        logger.error("request not answered", metadata: ["router": "\(client.routerID)", "error": "\(error)"])
        return drop("internal_error", address)
    }

    private func drop(_ reason: String, _ address: String) -> [UInt8]? {
        counters.add("drop_" + reason)
        logger.debug("dropped", metadata: ["reason": "\(reason)", "address": "\(address)"])
        return nil
    }
}
