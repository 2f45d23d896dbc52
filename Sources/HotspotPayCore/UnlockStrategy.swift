/// How a router is told that a device has paid (see DESIGN.md, "Unlock strategies").
public enum UnlockStrategy: String, CaseIterable, Sendable, Codable {
    /// `login-by=mac`: unpaid devices get a captive session; after payment a CoA switches it to
    /// the paid attributes (Disconnect and re-auth as the fallback).
    case coa
    /// Unpaid devices are rejected; after payment the browser logs in through the router's
    /// `link-login-only` with a one-time password.
    case login
}
