import Foundation
import HotspotPayCore
import TestSupport
import Testing

struct AccessDecisionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func grant(secondsLeft: Double = 1800, dataLeft: Int64? = 1_000) -> Grant {
        Grant(
            id: "g1", mac: Fixtures.mac, status: .active, startsAt: now.addingTimeInterval(-60),
            validUntil: now.addingTimeInterval(secondsLeft),
            rateLimit: RateLimit(downloadBitsPerSecond: 10_000_000, uploadBitsPerSecond: 2_000_000),
            dataRemainingBytes: dataLeft, transactionIDs: ["t1"], createdAt: now, updatedAt: now)
    }

    @Test func aPaidDeviceOnACoARouterGetsItsPaidAttributesWithoutAPassword() {
        let decision = AccessDecision.decide(grant: grant(), router: Fixtures.router(), now: now)
        guard case .accept(let attributes) = decision else {
            Issue.record("\(decision)")
            return
        }
        #expect(
            attributes.map(\.description).prefix(4) == [
                "Session-Timeout = 1800", "Mikrotik-Rate-Limit = 2M/10M", "Mikrotik-Total-Limit = 1000",
                "Acct-Interim-Interval = 300",
            ])
        #expect(attributes.last?.description == "Mikrotik-Group = paid")
    }

    @Test func anUnpaidOrUsedUpDeviceOnACoARouterGetsTheCaptiveAttributes() {
        let captive = AccessDecision.accept([RadiusAttribute(name: "Mikrotik-Group", value: "portal-only")])
        #expect(AccessDecision.decide(grant: nil, router: Fixtures.router(), now: now) == captive)
        #expect(AccessDecision.decide(grant: grant(dataLeft: 0), router: Fixtures.router(), now: now) == captive)
        #expect(AccessDecision.decide(grant: grant(secondsLeft: -1), router: Fixtures.router(), now: now) == captive)
    }

    @Test func aLoginRouterAcceptsOnlyAPaidDeviceThatPresentsItsSecret() {
        let router = Fixtures.router(strategy: .login)
        let paid = grant()
        guard case .accept = AccessDecision.decide(grant: paid, router: router, now: now, login: .matched) else {
            Issue.record("a matching secret on a paid grant must be accepted")
            return
        }
        #expect(
            AccessDecision.decide(grant: paid, router: router, now: now, login: .mismatched)
                == .reject(reason: "wrong login password"))
        #expect(
            AccessDecision.decide(grant: paid, router: router, now: now)
                == .reject(reason: "login strategy needs the password from the portal, none sent"))
        #expect(
            AccessDecision.decide(grant: nil, router: router, now: now, login: .matched)
                == .reject(reason: "no paid access"))
        #expect(
            AccessDecision.decide(grant: grant(secondsLeft: 0), router: router, now: now, login: .matched)
                == .reject(reason: "paid access used up"))
        // The router's MAC-auth retry: a paid device gets in, an unpaid or used-up one never does.
        guard case .accept = AccessDecision.decide(grant: paid, router: router, now: now, login: .macAuthentication)
        else {
            Issue.record("MAC authentication of a paid device must be accepted")
            return
        }
        #expect(
            AccessDecision.decide(grant: nil, router: router, now: now, login: .macAuthentication)
                == .reject(reason: "no paid access"))
        #expect(
            AccessDecision.decide(grant: grant(secondsLeft: 0), router: router, now: now, login: .macAuthentication)
                == .reject(reason: "paid access used up"))
    }

    @Test func loginSecretsComeFromTheLookAlikeFreeAlphabetAndNeverPrintThemselves() throws {
        var generator = SeededGenerator(seed: 7)
        let secret = LoginSecret.random(using: &generator)
        #expect(try LoginSecret(secret.text) == secret)
        #expect("\(secret)" == "••••")
        #expect(throws: LoginSecret.ParseError.self) { try LoginSecret("ABC") }
        #expect(throws: LoginSecret.ParseError.self) { try LoginSecret("0000OOOO") }
        #expect(Fixtures.transaction().loginSecret != nil)
    }
}
