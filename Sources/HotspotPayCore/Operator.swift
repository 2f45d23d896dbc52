import struct Foundation.Date

/// A person who runs the venue's sales: logs in to the console, changes plans and routers,
/// refunds. Operators are disabled, never deleted, so the audit log keeps naming them.
public struct Operator: Hashable, Sendable, Identifiable {
    public var id: String
    /// What they log in with: lower-case letters, digits, `.`, `_`, `-`; 3 to 32 characters.
    public var username: String
    public var displayName: String
    public var isDisabled: Bool
    public var createdAt: Date
    /// What they may do; accounts made before roles existed are owners.
    public var role: StaffRole

    public init(
        id: String, username: String, displayName: String, isDisabled: Bool = false, createdAt: Date,
        role: StaffRole = .owner
    ) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.isDisabled = isDisabled
        self.createdAt = createdAt
        self.role = role
    }

    /// How the audit log names this operator.
    public var actor: String { "operator:\(username)" }

    /// Everything wrong with `username`, empty when it is acceptable.
    public static func usernameProblems(_ username: String) -> [ValidationProblem] {
        let allowed = username.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-"
        }
        guard (3...32).contains(username.count), allowed else {
            return [
                ValidationProblem(
                    field: "username", message: "3 to 32 characters: lower-case letters, digits, '.', '_' or '-'")
            ]
        }
        return []
    }

    /// The shortest password accepted; long passphrases beat clever rules.
    public static let minimumPasswordLength = 10

    /// Everything wrong with a new password, empty when it is acceptable.
    public static func passwordProblems(_ password: String, username: String) -> [ValidationProblem] {
        if password.count < minimumPasswordLength {
            return [
                ValidationProblem(
                    field: "password", message: "at least \(minimumPasswordLength) characters (a passphrase is best)")
            ]
        }
        if password.count > 256 {
            return [ValidationProblem(field: "password", message: "at most 256 characters")]
        }
        if password.lowercased().contains(username.lowercased()) {
            return [ValidationProblem(field: "password", message: "must not contain the username")]
        }
        return []
    }
}
