import Foundation
import Logging
import Radius
import Synchronization
import TestSupport
import Testing

/// Our CoA/Disconnect client against FreeRADIUS standing in for the router.
@Suite(.serialized) struct CoAClientTests {
    static let secret = "router-secret-cafe-0123456789"
    static let session: [RadiusPacket.Attribute] = [
        .init(name: "User-Name", value: "AA:BB:CC:DD:EE:01"), .init(name: "Acct-Session-Id", value: "81a00007"),
        .init(name: "Framed-IP-Address", value: "10.5.50.7"),
        .init(name: "Calling-Station-Id", value: "AA:BB:CC:DD:EE:01"),
    ]
    static let fast = RetransmissionPolicy(initialSeconds: 0.2, maximumSeconds: 0.4, attempts: 3, totalSeconds: 3)

    init() throws { try RadiusDictionary.load() }

    static func client(_ policy: RetransmissionPolicy = fast) async throws -> CoAClient {
        try await CoAClient.start(host: "127.0.0.1", policy: policy, logger: Logger(label: "coa-test"))
    }

    @Test func aCoAIsAcknowledgedAndArrivesWithExactlyTheAttributesSent() async throws {
        let peer = try await FreeRADIUSPeer(secret: Self.secret)
        let client = try await Self.client()
        let paid: [RadiusPacket.Attribute] = [
            .init(name: "Mikrotik-Rate-Limit", value: "2M/10M"), .init(name: "Session-Timeout", value: "3600"),
            .init(name: "Mikrotik-Group", value: "paid"),
        ]
        let result = try await client.send(
            .coaRequest, attributes: Self.session + paid,
            to: .init(host: "127.0.0.1", port: peer.port, secret: Self.secret))
        #expect(result == .acknowledged)
        let line = try #require(peer.requests.first)
        #expect(line.hasPrefix("CoA-Request "))
        for expected in [
            #"User-Name = "AA:BB:CC:DD:EE:01""#, #"Acct-Session-Id = "81a00007""#, "Framed-IP-Address = 10.5.50.7",
            #"Calling-Station-Id = "AA:BB:CC:DD:EE:01""#, #"Mikrotik-Rate-Limit = "2M/10M""#, "Session-Timeout = 3600",
            #"Mikrotik-Group = "paid""#,
        ] {
            #expect(line.contains(expected), "\(expected) in \(line)")
        }
        // RFC 5176 §3.3: the router can refuse this request if it is replayed later.
        #expect(line.contains("Event-Timestamp = "), "\(line)")
        await client.close()
    }

    @Test func aDisconnectForASessionTheRouterLacksIsANAKWithErrorCause503() async throws {
        let peer = try await FreeRADIUSPeer(secret: Self.secret)
        let client = try await Self.client()
        let result = try await client.send(
            .disconnectRequest, attributes: [.init(name: "User-Name", value: "no-such-session")],
            to: .init(host: "127.0.0.1", port: peer.port, secret: Self.secret))
        #expect(result == .refused(errorCause: 503))
        #expect(peer.requests.first?.hasPrefix("Disconnect-Request ") == true)
        await client.close()
    }

    @Test func aWrongSecretTimesOutAfterTheRetransmissions() async throws {
        let peer = try await FreeRADIUSPeer(secret: Self.secret)
        let client = try await Self.client()
        let started = Date()
        let result = try await client.send(
            .coaRequest, attributes: Self.session,
            to: .init(host: "127.0.0.1", port: peer.port, secret: "wrong-secret-000"))
        // Retransmitted, then given up once the total time is spent; on a loaded machine the
        // total can run out before the third send, which is the bound doing its job.
        guard case .timedOut(let attempts) = result else {
            Issue.record("expected a time-out, got \(result)")
            return
        }
        #expect((2...3).contains(attempts))
        #expect(Date().timeIntervalSince(started) >= 0.5)
        #expect(peer.requests.isEmpty)
        await client.close()
    }

    @Test func threeHundredRequestsInFlightToOneRouterAllComeBack() async throws {
        let peer = try await FreeRADIUSPeer(secret: Self.secret)
        let client = try await Self.client(
            RetransmissionPolicy(initialSeconds: 1, maximumSeconds: 2, attempts: 4, totalSeconds: 10))
        let destination = CoAClient.Destination(host: "127.0.0.1", port: peer.port, secret: Self.secret)
        let results = try await withThrowingTaskGroup(of: CoAResult.self) { group in
            for index in 0..<300 {
                group.addTask {
                    try await client.send(
                        .coaRequest,
                        attributes: [
                            .init(name: "User-Name", value: "device-\(index)"),
                            .init(name: "Acct-Session-Id", value: "s\(index)"),
                        ], to: destination)
                }
            }
            return try await group.reduce(into: [CoAResult]()) { $0.append($1) }
        }
        #expect(results.count == 300 && results.allSatisfy { $0 == .acknowledged })
        #expect(Set(peer.requests.compactMap { $0.split(separator: ",").first }).count == 300)
        await client.close()
    }

    @Test func aReplyMatchedToAnEmptyPlaceholderRequestIsAnErrorNotATrap() {
        let reply: [UInt8] = [44, 7, 0, 20] + Array(repeating: 0, count: 16)
        #expect(throws: RadiusCodecError.self) {
            try RadiusCodec.decodeResponse(reply, to: [], secret: Self.secret)
        }
        #expect(throws: RadiusCodecError.self) {
            try RadiusCodec.decodeResponse(reply, to: [43, 7, 0], secret: Self.secret)
        }
    }

    @Test func repliesForAllTwoHundredFiftySixIdentifiersWhileCoAsAreAllocatedCrashNothing() async throws {
        // The router stays silent; a host on the venue network floods the client's port with a
        // CoA-ACK for every identifier, so some land while an identifier is reserved but its
        // request is still being encoded.
        let router = try ScriptedRouter(secret: Self.secret) { _ in .silence }
        let client = try await Self.client(
            RetransmissionPolicy(initialSeconds: 0.01, maximumSeconds: 0.01, attempts: 1, totalSeconds: 0.01))
        let clientPort = try #require(client.localPort)
        let flooding = Mutex(true)
        let flooder = Thread {
            var identifier: UInt8 = 0
            while flooding.withLock({ $0 }) {
                router.throwDatagram(
                    [44, identifier, 0, 20] + Array(repeating: identifier, count: 16), toPort: clientPort)
                identifier &+= 1
            }
        }
        flooder.start()
        let destination = CoAClient.Destination(host: "127.0.0.1", port: router.port, secret: Self.secret)
        let attributes = Self.session + (0..<40).map { .init(name: "Filter-Id", value: "filter-\($0)") }
        let results = try await withThrowingTaskGroup(of: CoAResult.self) { group in
            for _ in 0..<1_500 {
                group.addTask { try await client.send(.coaRequest, attributes: attributes, to: destination) }
            }
            return try await group.reduce(into: [CoAResult]()) { $0.append($1) }
        }
        flooding.withLock { $0 = false }
        // None of the forged ACKs verified against a request, so every CoA timed out.
        #expect(results.count == 1_500 && results.allSatisfy { $0 == .timedOut(attempts: 1) })

        // And the client still works with a genuine router afterwards.
        // (Its retransmission window is 10 ms, which a busy machine's FreeRADIUS can miss: a few tries.)
        let peer = try await FreeRADIUSPeer(secret: Self.secret)
        var genuine = CoAResult.timedOut(attempts: 0)
        for _ in 0..<20 where genuine != .acknowledged {
            genuine = try await client.send(
                .coaRequest, attributes: Self.session,
                to: .init(host: "127.0.0.1", port: peer.port, secret: Self.secret))
        }
        #expect(genuine == .acknowledged)
        router.stop()
        await client.close()
    }

    @Test func anAcknowledgementWithAStaleEventTimestampIsNotBelieved() async throws {
        let now = UInt32(Date().timeIntervalSince1970)
        for (stamp, expected) in [(now - 3600, false), (now + 3600, false), (now - 5, true)] {
            let router = try ScriptedRouter(secret: Self.secret) { _ in .ackStamped(stamp) }
            let client = try await Self.client()
            let result = try await client.send(
                .coaRequest, attributes: Self.session,
                to: .init(host: "127.0.0.1", port: router.port, secret: Self.secret))
            #expect((result == .acknowledged) == expected, "stamp \(Int64(stamp) - Int64(now)) s: \(result)")
            // The request itself carried our clock.
            let sent = try #require(router.received.first?.attributes.first { $0.type == 55 }?.value)
            let seconds = sent.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(abs(Int64(seconds) - Int64(now)) <= 5)
            router.stop()
            await client.close()
        }
    }
}
