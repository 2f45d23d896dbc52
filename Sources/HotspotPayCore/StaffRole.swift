/// What an operator may do at the venue. Every console page, API operation and token is checked
/// against it (a token acts with its operator's role, read afresh on every request, so a change
/// of role takes effect at once).
public enum StaffRole: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// Everything, including staff accounts, API tokens and the payment providers' credentials.
    case owner
    /// Plans, routers, refunds, money questions, reports, webhooks and sales from other systems;
    /// not staff, not the providers' credentials.
    case manager
    /// The counter: sell a plan, look up one device or receipt, extend or end its access, resend
    /// an unlock. No refunds, no reports or lists of sales, no routers, plans or staff.
    case cashier

    /// Whether this role may do `permission`.
    public func allows(_ permission: StaffPermission) -> Bool {
        switch self {
        case .owner: true
        case .manager: permission != .staff && permission != .providerKeys
        case .cashier: [.counter, .lookUp].contains(permission)
        }
    }

    /// The least role that may do `permission` (as `docs/openapi.yaml` states it per operation).
    public static func least(for permission: StaffPermission) -> StaffRole {
        allCases.reversed().first { $0.allows(permission) } ?? .owner
    }

    /// Owner > manager > cashier.
    public static func < (lhs: StaffRole, rhs: StaffRole) -> Bool {
        allCases.firstIndex(of: lhs)! > allCases.firstIndex(of: rhs)!
    }
}
