/// How a router is told that a device has paid (docs/ARCHITECTURE.md, "Unlock strategies").
public enum UnlockStrategy: String, CaseIterable, Sendable, Codable {
    /// `login-by=mac`: unpaid devices get a captive session; after payment a CoA switches it to
    /// the paid attributes (Disconnect and re-auth as the fallback). Opt-in: it relies on the
    /// router holding authorized-but-unpaid devices in a captive profile.
    case coa
    /// The default (fail-closed): unpaid devices are rejected, so the hotspot holds them in its
    /// walled garden whatever else is wrong; after payment the browser logs in through the
    /// router's `link-login-only` with a one-time password, or the router's MAC-auth retry does.
    case login
}
