import Console
import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

@Suite struct OperatorAccountsTests {
    static let password = "correct horse battery"

    @Test func passwordsAreHashedWithSaltedYescryptAndVerifiedOnlyWithTheRightPassword() throws {
        let hasher = CryptPasswordHasher()
        let first = try hasher.hash(Self.password)
        let second = try hasher.hash(Self.password)
        #expect(first.hasPrefix("$y$"))
        #expect(first != second)  // salted
        #expect(!first.contains(Self.password))
        #expect(hasher.verify(Self.password, against: first))
        #expect(hasher.verify(Self.password, against: second))
        #expect(!hasher.verify("correct horse batterY", against: first))
        #expect(!hasher.verify(Self.password, against: "not a hash"))
        #expect(!hasher.verify(Self.password, against: ""))
    }

    @Test func anOperatorSignsInAndTheCookieFindsThemUntilSignOut() async throws {
        let harness = try await ConsoleHarness()
        let accounts = harness.console.accounts
        let added = try await accounts.addOperator(
            username: " Lan ", displayName: "Lan", password: Self.password, actor: "cli")
        #expect(added.username == "lan")
        let signIn = try await accounts.signIn(username: "LAN", password: Self.password, address: "10.0.0.9")
        let identity = try #require(try await accounts.identity(sessionCookie: signIn.cookieToken))
        #expect(identity.person.id == added.id)
        #expect(identity.csrfToken == signIn.session.csrfToken)
        #expect(identity.actor == "operator:lan")
        // The database holds the token's digest, never the token.
        #expect(signIn.session.tokenHash != signIn.cookieToken)
        #expect(try await harness.store.loginSession(tokenHash: signIn.cookieToken, at: Date()) == nil)
        try await accounts.signOut(sessionCookie: signIn.cookieToken)
        #expect(try await accounts.identity(sessionCookie: signIn.cookieToken) == nil)
        let audit = try await harness.store.recentAuditEvents(limit: 10).map(\.kind)
        #expect(audit.contains(.operatorLoggedIn))
        #expect(audit.contains(.operatorChanged))
    }

    @Test func expiredSessionsDoNotAuthenticate() async throws {
        let harness = try await ConsoleHarness()
        let accounts = harness.console.accounts
        _ = try await accounts.addOperator(username: "lan", displayName: "", password: Self.password, actor: "cli")
        let signIn = try await accounts.signIn(
            username: "lan", password: Self.password, address: "a", now: Date().addingTimeInterval(-13 * 3600))
        #expect(try await accounts.identity(sessionCookie: signIn.cookieToken) == nil)
        #expect(try await harness.store.removeExpiredOperatorSessions(at: Date()) == 1)
    }

    @Test func wrongPasswordsAndUnknownNamesGetTheSameAnswer() async throws {
        let harness = try await ConsoleHarness()
        let accounts = harness.console.accounts
        _ = try await accounts.addOperator(username: "lan", displayName: "", password: Self.password, actor: "cli")
        await #expect(throws: ConsoleError.badCredentials) {
            try await accounts.signIn(username: "lan", password: "wrong password!", address: "a")
        }
        await #expect(throws: ConsoleError.badCredentials) {
            try await accounts.signIn(username: "nobody", password: Self.password, address: "a")
        }
    }

    @Test func aGuessingSourceWaitsLongerEachTimeButTheOwnerElsewhereSignsIn() async throws {
        let harness = try await ConsoleHarness()
        let accounts = harness.console.accounts
        _ = try await accounts.addOperator(username: "lan", displayName: "", password: Self.password, actor: "cli")
        let start = Date()
        for _ in 0..<5 {
            await #expect(throws: ConsoleError.badCredentials) {
                try await accounts.signIn(
                    username: "lan", password: "guess guess guess", address: "1.2.3.4", now: start)
            }
        }
        // The guessing source is stopped, even with the right password (guessing cannot test it)…
        let locked = await ConsoleErrorProbe.error {
            _ = try await accounts.signIn(username: "lan", password: Self.password, address: "1.2.3.4", now: start)
        }
        guard case .throttled(let seconds) = locked else {
            Issue.record("a guessing source got \(String(describing: locked))")
            return
        }
        #expect(seconds == 60)
        // …and waits twice as long after its next failure.
        let minuteLater = start.addingTimeInterval(61)
        await #expect(throws: ConsoleError.badCredentials) {
            try await accounts.signIn(username: "lan", password: "guess again!!", address: "1.2.3.4", now: minuteLater)
        }
        let doubled = await ConsoleErrorProbe.error {
            _ = try await accounts.signIn(
                username: "lan", password: Self.password, address: "1.2.3.4", now: minuteLater)
        }
        #expect(doubled == .throttled(retryAfterSeconds: 120))
        // The owner, from their own address, is not locked out by the stranger.
        _ = try await accounts.signIn(username: "lan", password: Self.password, address: "5.6.7.8", now: minuteLater)
    }

    @Test func guessesFromManyAddressesMeetTheUsernamesCeiling() async throws {
        let harness = try await ConsoleHarness(
            throttle: LoginThrottle(failuresPerAccountAndAddress: 5, failuresPerAddress: 20, failuresPerUsername: 8))
        let accounts = harness.console.accounts
        _ = try await accounts.addOperator(username: "lan", displayName: "", password: Self.password, actor: "cli")
        for index in 0..<8 {
            await #expect(throws: ConsoleError.badCredentials) {
                try await accounts.signIn(username: "lan", password: "guess guess guess", address: "10.0.0.\(index)")
            }
        }
        let refused = await ConsoleErrorProbe.error {
            _ = try await accounts.signIn(username: "lan", password: Self.password, address: "5.6.7.8")
        }
        guard case .throttled(let seconds) = refused else {
            Issue.record("the ninth spread guess got \(String(describing: refused))")
            return
        }
        #expect(seconds > 0 && seconds <= 900)
        _ = try await accounts.signIn(
            username: "lan", password: Self.password, address: "5.6.7.8", now: Date().addingTimeInterval(901))
    }

    /// Several nodes: guesses spread over two nodes (each with its own memory) meet one limit,
    /// counted in the database they share; the right password afterwards is refused on either.
    @Test func guessesSpreadOverTwoNodesMeetOneLimit() async throws {
        let harness = try await ConsoleHarness()
        _ = try await harness.console.accounts.addOperator(
            username: "lan", displayName: "", password: Self.password, actor: "cli")
        let nodes = (0..<2).map { _ in
            OperatorAccounts(
                store: harness.store, hasher: CryptPasswordHasher(cost: 1),
                throttle: LoginThrottle(failuresPerAddress: 100, failuresPerUsername: 4), sharedLimits: harness.store)
        }
        for index in 0..<4 {
            await #expect(throws: ConsoleError.badCredentials) {
                try await nodes[index % 2].signIn(username: "lan", password: "guess guess \(index)", address: "1.2.3.4")
            }
        }
        // Each node saw two failures, under its own limit of four; together they saw four.
        for node in nodes {
            let refused = await ConsoleErrorProbe.error {
                _ = try await node.signIn(username: "lan", password: Self.password, address: "5.6.7.8")
            }
            guard case .throttled = refused else {
                Issue.record("a node let the fifth try in: \(String(describing: refused))")
                continue
            }
        }
        // Without the shared count, the same spread would have been let through.
        let alone = OperatorAccounts(
            store: harness.store, hasher: CryptPasswordHasher(cost: 1),
            throttle: LoginThrottle(failuresPerAddress: 100, failuresPerUsername: 4))
        _ = try await alone.signIn(username: "lan", password: Self.password, address: "5.6.7.8")
    }

    @Test func twentyParallelGuessesGetNoMoreTriesThanFiveInARow() async throws {
        let harness = try await ConsoleHarness(throttle: LoginThrottle(failuresPerUsername: 5))
        let accounts = harness.console.accounts
        _ = try await accounts.addOperator(username: "lan", displayName: "", password: Self.password, actor: "cli")
        let outcomes = await withTaskGroup(of: ConsoleError?.self) { group in
            for index in 0..<20 {
                group.addTask {
                    await ConsoleErrorProbe.error {
                        _ = try await accounts.signIn(
                            username: "lan", password: "guess number \(index) guess", address: "1.2.3.\(index)")
                    }
                }
            }
            return await group.reduce(into: [ConsoleError?]()) { $0.append($1) }
        }
        // Each password checked is a guess; only the per-username limit's worth were checked.
        let checked = outcomes.filter { $0 == .badCredentials }.count
        #expect(checked == 5, "\(outcomes)")
        #expect(outcomes.count - checked == 15)
    }

    @Test func aRightPasswordGivesBackTheAttemptItReserved() {
        let throttle = LoginThrottle(failuresPerAddress: 2, failuresPerUsername: 5)
        for _ in 0..<10 {
            #expect(throttle.reserve(username: "lan", address: "9.9.9.9") == nil)
            throttle.recordSuccess(username: "lan", address: "9.9.9.9")
        }
        #expect(throttle.reserve(username: "lan", address: "9.9.9.9") == nil)
        #expect(throttle.reserve(username: "lan", address: "9.9.9.9") == nil)
        #expect(throttle.reserve(username: "lan", address: "9.9.9.9") != nil)
    }

    @Test func oneAddressGuessingManyNamesIsThrottledToo() {
        let throttle = LoginThrottle(failuresPerAddress: 4, failuresPerUsername: 5)
        for index in 0..<4 { throttle.recordFailure(username: "user\(index)", address: "9.9.9.9") }
        #expect(throttle.retryAfter(username: "fresh", address: "9.9.9.9") != nil)
        #expect(throttle.retryAfter(username: "fresh", address: "8.8.8.8") == nil)
    }

    @Test func badUsernamesAndWeakPasswordsAreRefusedWithEveryProblem() async throws {
        let harness = try await ConsoleHarness()
        let accounts = harness.console.accounts
        let invalid = await ConsoleErrorProbe.error {
            _ = try await accounts.addOperator(username: "a b", displayName: "", password: "short", actor: "cli")
        }
        #expect(Set(invalid?.problems.map(\.field) ?? []) == ["username", "password"])
        let containsName = await ConsoleErrorProbe.error {
            _ = try await accounts.addOperator(
                username: "lan", displayName: "", password: "lan-password-123", actor: "cli")
        }
        #expect(containsName?.problems.first?.field == "password")
        _ = try await accounts.addOperator(username: "lan", displayName: "", password: Self.password, actor: "cli")
        let duplicate = await ConsoleErrorProbe.error {
            _ = try await accounts.addOperator(username: "lan", displayName: "", password: Self.password, actor: "cli")
        }
        #expect(duplicate?.isConflict == true)
        #expect(duplicate?.description.contains("lan") == true)
    }

    @Test func disablingOrChangingThePasswordEndsSessionsAndTheLastOperatorStays() async throws {
        let harness = try await ConsoleHarness()
        let accounts = harness.console.accounts
        _ = try await accounts.addOperator(username: "lan", displayName: "", password: Self.password, actor: "cli")
        let lastOne = await ConsoleErrorProbe.error {
            try await accounts.setDisabled(username: "lan", true, actor: "cli")
        }
        #expect(lastOne?.description.contains("only enabled operator") == true)
        _ = try await accounts.addOperator(username: "minh", displayName: "", password: Self.password, actor: "cli")
        let session = try await accounts.signIn(username: "lan", password: Self.password, address: "a")
        try await accounts.setPassword(username: "lan", password: "another long passphrase", actor: "cli")
        #expect(try await accounts.identity(sessionCookie: session.cookieToken) == nil)
        await #expect(throws: ConsoleError.badCredentials) {
            try await accounts.signIn(username: "lan", password: Self.password, address: "a")
        }
        let fresh = try await accounts.signIn(username: "lan", password: "another long passphrase", address: "a")
        try await accounts.setDisabled(username: "lan", true, actor: "operator:minh")
        #expect(try await accounts.identity(sessionCookie: fresh.cookieToken) == nil)
        await #expect(throws: ConsoleError.badCredentials) {
            try await accounts.signIn(username: "lan", password: "another long passphrase", address: "a")
        }
    }

    @Test func apiTokensActAsTheirOperatorUntilRevokedAndAreStoredHashed() async throws {
        let harness = try await ConsoleHarness()
        let accounts = harness.console.accounts
        let lan = try await accounts.addOperator(
            username: "lan", displayName: "", password: Self.password, actor: "cli")
        _ = try await accounts.addOperator(username: "minh", displayName: "", password: Self.password, actor: "cli")
        let made = try await accounts.createToken(name: "nightly export", for: lan, actor: lan.actor)
        #expect(made.secret.hasPrefix(OperatorAccounts.tokenPrefix))
        #expect(made.secret.count > 40)
        #expect(made.secret.hasPrefix(made.token.prefix))
        let identity = try #require(try await accounts.identity(bearerToken: made.secret))
        #expect(identity.person.username == "lan")
        #expect(identity.csrfToken == nil)
        #expect(try await accounts.identity(bearerToken: made.secret + "x") == nil)
        #expect(try await accounts.identity(bearerToken: "hpt_guess") == nil)
        // A disabled operator's tokens stop working; enabling them brings the tokens back.
        try await accounts.setDisabled(username: "lan", true, actor: "cli")
        #expect(try await accounts.identity(bearerToken: made.secret) == nil)
        try await accounts.setDisabled(username: "lan", false, actor: "cli")
        #expect(try await accounts.identity(bearerToken: made.secret) != nil)
        try await accounts.revokeToken(id: made.token.id, actor: "cli")
        #expect(try await accounts.identity(bearerToken: made.secret) == nil)
        #expect(try await accounts.tokens().first?.isRevoked == true)
        await #expect(throws: ConsoleError.self) { try await accounts.revokeToken(id: made.token.id, actor: "cli") }
    }
}
