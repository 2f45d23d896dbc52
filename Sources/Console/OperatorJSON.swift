import Foundation
import HotspotPayCore

/// An operator as the operator API and `operators list --json` print it (never the password hash).
public struct OperatorJSON: Encodable, Sendable {
    public var id, username, displayName: String
    public var disabled: Bool
    public var createdAt: Date
    public var role: StaffRole
    public init(_ person: Operator) {
        id = person.id
        username = person.username
        displayName = person.displayName
        disabled = person.isDisabled
        createdAt = person.createdAt
        role = person.role
    }
}
