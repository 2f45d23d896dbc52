import HotspotPayCore

import struct Foundation.Date

/// An operator with the hash their password is checked against.
public struct OperatorAccount: Sendable, Hashable {
    public var person: Operator
    /// A crypt(3) string (`$y$…`); never the password.
    public var passwordHash: String

    public init(person: Operator, passwordHash: String) {
        self.person = person
        self.passwordHash = passwordHash
    }
}

/// Operators, their signed-in browsers and their scripts' tokens.
public protocol OperatorStore: Sendable {
    /// ``StoreError/duplicate(entity:field:value:)`` when the username is taken.
    func addOperator(_ person: Operator, passwordHash: String, actor: String) async throws(StoreError)
    func operators() async throws(StoreError) -> [Operator]
    func operatorAccount(username: String) async throws(StoreError) -> OperatorAccount?
    func operatorAccount(id: String) async throws(StoreError) -> OperatorAccount?
    /// Replaces the password hash and signs the operator out everywhere.
    func setPasswordHash(operatorID: String, passwordHash: String, actor: String) async throws(StoreError)
    /// Disabling also signs the operator out and stops their tokens from working.
    func setDisabled(operatorID: String, _ disabled: Bool, actor: String) async throws(StoreError)
    /// Changes what the operator may do, at once (sessions and tokens read the role per request).
    /// ``StoreError/lastOperator(username:)`` when it would leave no enabled owner.
    func setRole(operatorID: String, _ role: StaffRole, actor: String) async throws(StoreError)

    func addOperatorSession(_ session: OperatorSession) async throws(StoreError)
    /// The live session with that token hash and its operator (nil when expired, unknown, or the
    /// operator is disabled).
    func loginSession(tokenHash: String, at: Date) async throws(StoreError) -> (OperatorSession, Operator)?
    func removeOperatorSession(tokenHash: String) async throws(StoreError)
    /// Removes sessions past their expiry; returns how many.
    func removeExpiredOperatorSessions(at: Date) async throws(StoreError) -> Int

    func addAPIToken(_ token: APIToken, tokenHash: String, actor: String) async throws(StoreError)
    /// The unrevoked token with that hash and its (enabled) operator.
    func apiToken(tokenHash: String) async throws(StoreError) -> (APIToken, Operator)?
    func apiTokens() async throws(StoreError) -> [APIToken]
    func revokeAPIToken(id: String, at: Date, actor: String) async throws(StoreError)
}
