import struct Foundation.Date
import struct Foundation.URLComponents

/// A venue system told about sales as they happen: where to POST, which events, and the secret
/// each delivery is signed with (sealed in the database like a router's secret).
public struct WebhookEndpoint: Hashable, Sendable, Identifiable {
    public var id: String
    public var url: String
    public var events: Set<WebhookEventType>
    public var secret: Secret
    /// What the endpoint is for, for the operator ("Hotel PMS", "Zalo alert").
    public var description: String
    public var enabled: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, url: String, events: Set<WebhookEventType>, secret: Secret, description: String = "",
        enabled: Bool = true, createdAt: Date, updatedAt: Date? = nil
    ) {
        self.id = id
        self.url = url
        self.events = events
        self.secret = secret
        self.description = description
        self.enabled = enabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// Everything wrong with the endpoint as written, empty when it can be stored. Where the URL
    /// may point (not a private address) is the sender's check: it depends on DNS and on the
    /// operator's `allow_private_addresses`.
    public var problems: [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty
        {
            if components.user != nil || components.password != nil {
                problems.append(.init(field: "url", message: "no user or password in the URL: use the signing secret"))
            }
            if components.fragment != nil { problems.append(.init(field: "url", message: "no #fragment")) }
        } else {
            problems.append(.init(field: "url", message: "an http:// or https:// URL with a host"))
        }
        if url.utf8.count > 2000 { problems.append(.init(field: "url", message: "at most 2,000 characters")) }
        if events.isEmpty {
            problems.append(.init(field: "events", message: "at least one event"))
        }
        for event in events.sorted() where !WebhookEventType.all.contains(event) {
            problems.append(
                .init(
                    field: "events",
                    message:
                        "unknown event '\(event)': one of \(WebhookEventType.all.map(\.rawValue).joined(separator: ", "))"
                ))
        }
        if secret.reveal.utf8.count < 16 {
            problems.append(.init(field: "secret", message: "at least 16 characters"))
        }
        if description.count > 200 { problems.append(.init(field: "description", message: "at most 200 characters")) }
        return problems
    }

    /// A fresh signing secret: `whsec_` and 32 random bytes in hex.
    public static func newSecret(using generator: inout some RandomNumberGenerator) -> Secret {
        let bytes = (0..<4).flatMap { _ in withUnsafeBytes(of: generator.next()) { Array($0) } }
        return Secret("whsec_" + ASCIIHex.lowercase(bytes))
    }
}
