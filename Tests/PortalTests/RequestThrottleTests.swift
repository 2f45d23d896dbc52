import Foundation
import HotspotPayCore
import Portal
import Testing

@Suite struct RequestThrottleTests {
    @Test func aKeyGetsItsAttemptsPerWindowThenWaitsForTheNextWindow() {
        let throttle = RequestThrottle(.init(attempts: 3, windowSeconds: 60))
        let start = Date(timeIntervalSince1970: 1_000_000)
        for _ in 0..<3 { #expect(throttle.attempt("a", now: start) == nil) }
        #expect(throttle.attempt("a", now: start.addingTimeInterval(20)) == 40)
        #expect(throttle.attempt("b", now: start.addingTimeInterval(20)) == nil)
        #expect(throttle.attempt("a", now: start.addingTimeInterval(60)) == nil)
    }

    @Test func theAddressLimitCoversEveryDeviceBehindIt() async throws {
        let throttle = CheckoutThrottle(
            perDevice: .init(attempts: 5, windowSeconds: 60), perAddress: .init(attempts: 2, windowSeconds: 60))
        let now = Date()
        func reserve(_ mac: String, _ address: String) async throws -> Bool {
            (try? await throttle.reserve(mac: MACAddress(mac), browser: nil, address: address, now: now).get()) != nil
        }
        #expect(try await reserve("AA:00:00:00:00:01", "10.0.0.1"))
        #expect(try await reserve("AA:00:00:00:00:02", "10.0.0.1"))
        #expect(try await !reserve("AA:00:00:00:00:03", "10.0.0.1"))
        #expect(try await reserve("AA:00:00:00:00:03", "10.0.0.2"))
    }

    @Test func attemptsThatCreatedNothingAreGivenBack() async throws {
        let throttle = CheckoutThrottle(
            perDevice: .init(attempts: 2, windowSeconds: 60), perAddress: .init(attempts: 3, windowSeconds: 60))
        let mac = try MACAddress("AA:00:00:00:00:01")
        for _ in 0..<100 {
            let reservation = try await throttle.reserve(mac: mac, browser: "b1", address: "10.0.0.1").get()
            await throttle.release(reservation)  // the provider was down
        }
        #expect((try? await throttle.reserve(mac: mac, browser: "b1", address: "10.0.0.1").get()) != nil)
    }

    @Test func tenRequestsNamingAGuestsMACDoNotLockTheGuestsBrowserOut() async throws {
        let throttle = CheckoutThrottle(
            perDevice: .init(attempts: 10, windowSeconds: 600), perAddress: .init(attempts: 300, windowSeconds: 600))
        let victim = try MACAddress("AA:00:00:00:00:01")
        // Behind the venue's NAT everyone shares one address; the stranger has no cookie or their own.
        for index in 0..<20 {
            _ = await throttle.reserve(mac: victim, browser: index % 2 == 0 ? nil : "stranger", address: "203.0.113.1")
        }
        #expect((try? await throttle.reserve(mac: victim, browser: "victim", address: "203.0.113.1").get()) != nil)
    }
}

/// A flood of attacker-chosen keys (made-up MACs) neither grows memory without bound nor makes
/// every attempt scan what is held.
@Suite struct RequestThrottleFloodTests {
    @Test func aFloodOfMadeUpKeysStaysWithinTwoGenerationsAndAGuestStillCounts() {
        let throttle = RequestThrottle(.init(attempts: 3, windowSeconds: 600), capacity: 1_000)
        let now = Date()
        #expect(throttle.attempt("guest", now: now) == nil)
        for index in 0..<20_000 {
            _ = throttle.attempt("F2:00:00:\(index)", now: now)
            #expect(throttle.keysHeld <= 2_000)
        }
        // A key attempted during the flood keeps its count across generations while it is in use.
        let throttle2 = RequestThrottle(.init(attempts: 3, windowSeconds: 600), capacity: 1_000)
        for index in 0..<5_000 {
            if index % 500 == 0 { _ = throttle2.attempt("guest", now: now) }
            _ = throttle2.attempt("flood-\(index)", now: now)
        }
        #expect(throttle2.attempt("guest", now: now) != nil, "the guest's 11th attempt is over 3")
    }
}
