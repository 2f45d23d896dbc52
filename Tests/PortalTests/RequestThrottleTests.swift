import Foundation
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

    @Test func theAddressLimitCoversEveryDeviceBehindIt() {
        let throttle = CheckoutThrottle(
            perDevice: .init(attempts: 5, windowSeconds: 60), perAddress: .init(attempts: 2, windowSeconds: 60))
        let now = Date()
        #expect(throttle.attempt(mac: "AA:00:00:00:00:01", address: "10.0.0.1", now: now) == nil)
        #expect(throttle.attempt(mac: "AA:00:00:00:00:02", address: "10.0.0.1", now: now) == nil)
        #expect(throttle.attempt(mac: "AA:00:00:00:00:03", address: "10.0.0.1", now: now) != nil)
        #expect(throttle.attempt(mac: "AA:00:00:00:00:03", address: "10.0.0.2", now: now) == nil)
    }
}
