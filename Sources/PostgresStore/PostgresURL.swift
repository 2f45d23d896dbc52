import Foundation
import Store

/// `postgres://user@host:port/database` (or `postgresql://`), with `?sslmode=disable|require`;
/// the password comes from the environment (`HOTSPOTPAY_DATABASE_PASSWORD`), not the URL, so the
/// config file can stay readable.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var requireTLS: Bool

    public init(_ text: String) throws(StoreError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme.lowercased()), let host = components.host, !host.isEmpty,
            let user = components.user, !user.isEmpty
        else {
            throw .unavailable(
                path: Self.redact(text), reason: "expected postgres://USER@HOST[:PORT]/DATABASE[?sslmode=require]")
        }
        guard components.password == nil else {
            throw .unavailable(
                path: Self.redact(text),
                reason:
                    "put the password in HOTSPOTPAY_DATABASE_PASSWORD, not in the URL (it would be in the config file)")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else {
            throw .unavailable(path: Self.redact(text), reason: "no database name after the host")
        }
        self.host = host
        port = components.port ?? 5432
        self.user = user
        self.database = database
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer-local"
        switch mode {
        case "require", "verify-full": requireTLS = true
        case "disable": requireTLS = false
        case "prefer-local": requireTLS = !["127.0.0.1", "localhost", "::1"].contains(host)
        default:
            throw .unavailable(path: Self.redact(text), reason: "sslmode '\(mode)': use require or disable")
        }
    }

    /// Shown in errors and logs: never a password.
    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)\(requireTLS ? "?sslmode=require" : "")"
    }

    static func redact(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return "(unreadable URL)" }
        if components.password != nil { components.password = "•••" }
        return components.string ?? "(unreadable URL)"
    }
}
