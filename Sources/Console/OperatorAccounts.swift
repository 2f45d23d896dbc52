import Foundation
import HotspotPayCore
import Store

/// Operators, sign-in, sessions and API tokens: everything about who may use the console.
public struct OperatorAccounts: Sendable {
    /// Who is acting, as the API and web layer found out.
    public struct Identity: Sendable, Hashable {
        public var person: Operator
        /// Present for browser sessions: the token unsafe requests must echo.
        public var csrfToken: String?
        /// Present when a bearer token was used.
        public var tokenID: String?

        public var actor: String { person.actor }
    }

    /// A fresh sign-in: the cookie value to set (shown once) and the session it opens.
    public struct SignIn: Sendable {
        public var cookieToken: String
        public var session: OperatorSession
        public var person: Operator
    }

    let store: any OperatorStore
    let hasher: any PasswordHasher
    let throttle: LoginThrottle
    /// Several nodes: sign-in attempts are also counted in the database, so guessing spread over
    /// the nodes meets one limit (each node's own count still applies).
    let sharedLimits: (any ThrottleStore)?
    /// How long a browser stays signed in.
    public let sessionLifetimeSeconds: Double

    public init(
        store: any OperatorStore, hasher: any PasswordHasher = CryptPasswordHasher(),
        throttle: LoginThrottle = LoginThrottle(), sessionLifetimeSeconds: Double = 12 * 3600,
        sharedLimits: (any ThrottleStore)? = nil
    ) {
        self.store = store
        self.hasher = hasher
        self.throttle = throttle
        self.sharedLimits = sharedLimits
        self.sessionLifetimeSeconds = sessionLifetimeSeconds
        decoyHash = (try? hasher.hash(SecretToken.make())) ?? ""
    }

    /// The hash of a random password: verified against when the username is unknown, so the
    /// answer takes as long as for a known one.
    private let decoyHash: String

    public func addOperator(
        username rawUsername: String, displayName: String, password: String, role: StaffRole = .owner, actor: String
    ) async throws(ConsoleError) -> Operator {
        let username = rawUsername.trimmingCharacters(in: .whitespaces).lowercased()
        let problems =
            Operator.usernameProblems(username) + Operator.passwordProblems(password, username: username)
            + (displayName.count > 80 ? [.init(field: "display_name", message: "at most 80 characters")] : [])
        guard problems.isEmpty else { throw .invalid(problems) }
        var generator = SystemRandomNumberGenerator()
        let person = Operator(
            id: EntityID.random(using: &generator), username: username,
            displayName: displayName.isEmpty ? username : displayName, createdAt: Date(), role: role)
        let hash = try hasher.hash(password)
        try await ConsoleError.wrap { try await store.addOperator(person, passwordHash: hash, actor: actor) }
        return person
    }

    public func operators() async throws(ConsoleError) -> [Operator] {
        try await ConsoleError.wrap { try await store.operators() }
    }

    public func operatorNamed(_ username: String) async throws(ConsoleError) -> Operator {
        guard let account = try await ConsoleError.wrap({ try await store.operatorAccount(username: username) }) else {
            throw .notFound(entity: "operator", id: username)
        }
        return account.person
    }

    public func setPassword(username: String, password: String, actor: String) async throws(ConsoleError) {
        let person = try await operatorNamed(username)
        let problems = Operator.passwordProblems(password, username: person.username)
        guard problems.isEmpty else { throw .invalid(problems) }
        let hash = try hasher.hash(password)
        try await ConsoleError.wrap {
            try await store.setPasswordHash(operatorID: person.id, passwordHash: hash, actor: actor)
        }
    }

    public func setDisabled(username: String, _ disabled: Bool, actor: String) async throws(ConsoleError) {
        let person = try await operatorNamed(username)
        try await ConsoleError.wrap { try await store.setDisabled(operatorID: person.id, disabled, actor: actor) }
    }

    /// Changes what `username` may do; refused when it would leave no enabled owner.
    public func setRole(username: String, _ role: StaffRole, actor: String) async throws(ConsoleError) -> Operator {
        var person = try await operatorNamed(username)
        try await ConsoleError.wrap { try await store.setRole(operatorID: person.id, role, actor: actor) }
        person.role = role
        return person
    }

    /// Checks the password (throttled per username and address, per address, per username: see
    /// ``LoginThrottle``) and opens a session.
    public func signIn(username rawUsername: String, password: String, address: String, now: Date = Date())
        async throws(ConsoleError) -> SignIn
    {
        let username = rawUsername.trimmingCharacters(in: .whitespaces).lowercased()
        // The attempt counts as a failure from here until the password proves right.
        if let wait = throttle.reserve(username: username, address: address, now: now) {
            throw .throttled(retryAfterSeconds: wait)
        }
        let counted = throttle.keys(username: username, address: address)
        let sharedKeys = counted.map { "login-" + $0.key }
        if let shared = sharedLimits {
            for (key, limit) in zip(sharedKeys, counted.map(\.limit)) {
                // A database that cannot count does not lock everyone out; the node's count holds.
                if let wait =
                    (try? await shared.countAttempt(
                        key: key, limit: limit, windowSeconds: throttle.windowSeconds, at: now)) ?? nil
                {
                    throw .throttled(retryAfterSeconds: wait)
                }
            }
        }
        let account = try await ConsoleError.wrap { try await store.operatorAccount(username: username) }
        let matches = hasher.verify(password, against: account?.passwordHash ?? decoyHash)
        guard let account, matches, !account.person.isDisabled else { throw .badCredentials }
        throttle.recordSuccess(username: username, address: address, now: now)
        for key in sharedKeys {
            try? await sharedLimits?.releaseAttempt(key: key, windowSeconds: throttle.windowSeconds, at: now)
        }
        let cookieToken = SecretToken.make()
        let session = OperatorSession(
            tokenHash: SecretToken.digest(cookieToken), operatorID: account.person.id, csrfToken: SecretToken.make(),
            createdAt: now, expiresAt: now.addingTimeInterval(sessionLifetimeSeconds), address: address)
        try await ConsoleError.wrap { try await store.addOperatorSession(session) }
        return SignIn(cookieToken: cookieToken, session: session, person: account.person)
    }

    /// The operator behind a session cookie, if it is live.
    public func identity(sessionCookie token: String, now: Date = Date()) async throws(ConsoleError) -> Identity? {
        guard !token.isEmpty, token.count <= 128 else { return nil }
        let found = try await ConsoleError.wrap {
            try await store.loginSession(tokenHash: SecretToken.digest(token), at: now)
        }
        return found.map { Identity(person: $0.1, csrfToken: $0.0.csrfToken, tokenID: nil) }
    }

    /// The operator behind a bearer token, if it is live.
    public func identity(bearerToken token: String) async throws(ConsoleError) -> Identity? {
        guard token.hasPrefix(Self.tokenPrefix), token.count <= 128 else { return nil }
        let found = try await ConsoleError.wrap { try await store.apiToken(tokenHash: SecretToken.digest(token)) }
        return found.map { Identity(person: $0.1, csrfToken: nil, tokenID: $0.0.id) }
    }

    public func signOut(sessionCookie token: String) async throws(ConsoleError) {
        try await ConsoleError.wrap { try await store.removeOperatorSession(tokenHash: SecretToken.digest(token)) }
    }

    /// API tokens start with this, so a leaked one is recognisable (and secret scanners can match it).
    public static let tokenPrefix = "hpt_"

    /// Makes a token acting as `person`; the returned text is the only time it is shown.
    public func createToken(name: String, for person: Operator, actor: String) async throws(ConsoleError) -> (
        secret: String, token: APIToken
    ) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard (1...80).contains(trimmed.count) else {
            throw .invalid([.init(field: "name", message: "1 to 80 characters, e.g. 'backup script'")])
        }
        let secret = SecretToken.make(prefix: Self.tokenPrefix)
        var generator = SystemRandomNumberGenerator()
        let token = APIToken(
            id: EntityID.random(using: &generator), operatorID: person.id, name: trimmed,
            prefix: String(secret.prefix(Self.tokenPrefix.count + 6)), createdAt: Date())
        try await ConsoleError.wrap {
            try await store.addAPIToken(token, tokenHash: SecretToken.digest(secret), actor: actor)
        }
        return (secret, token)
    }

    public func tokens() async throws(ConsoleError) -> [APIToken] {
        try await ConsoleError.wrap { try await store.apiTokens() }
    }

    public func revokeToken(id: String, actor: String) async throws(ConsoleError) {
        try await ConsoleError.wrap { try await store.revokeAPIToken(id: id, at: Date(), actor: actor) }
    }
}
