/// Whether a device's paid access is running: `active → ended | revoked`; buying again while
/// active extends it and keeps it active.
public enum GrantStatus: String, LifecycleState, Codable {
    case active
    case ended
    case revoked

    public enum Event: String, CaseIterable, Sendable, Hashable {
        /// Another purchase adds time and data.
        case extend
        /// Time or data ran out.
        case end
        /// An operator took it away (refund, abuse).
        case revoke
    }

    public static let entityName = "grant"

    public static func rule(for event: Event) -> (from: Set<GrantStatus>, to: GrantStatus) {
        switch event {
        case .extend: ([.active], .active)
        case .end: ([.active], .ended)
        case .revoke: ([.active], .revoked)
        }
    }
}
