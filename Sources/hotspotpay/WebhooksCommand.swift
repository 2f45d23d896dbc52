import ArgumentParser
import Console
import Foundation
import HotspotPayCore

struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Outbound webhooks: tell other systems about sales, signed, retried, logged.",
        discussion: """
            Events: \(WebhookEventType.all.map(\.rawValue).joined(separator: ", ")). Each POST carries \
            X-Hotspotpay-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body"> with the endpoint's secret \
            (docs/OPERATIONS.md has a receiver's check). The running daemon sends them.
            """,
        subcommands: [
            Add.self, List.self, Show.self, Change.self, Remove.self, Test.self, Deliveries.self, Retry.self,
        ],
        defaultSubcommand: List.self)

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an endpoint; prints its signing secret once.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Where to POST (http:// or https://).") var url: String
        @Option(help: "Comma-separated events, or all.") var events = "all"
        @Option(help: "What the endpoint is for.") var description = ""
        @Option(help: "Use this signing secret (16+ characters) instead of a new one.") var secret: String?

        func run() async throws {
            let runtime = try options.runtime()
            let endpoint = try await runtime.console(try await runtime.openStore()).webhooks.add(
                .init(url: url, events: [events], description: description, secret: secret), actor: "cli")
            if options.json { return try JSONOutput.print(WebhookEndpointJSON(endpoint, showingSecret: true)) }
            print("webhook \(endpoint.id) → \(endpoint.url)")
            print("signing secret (shown once): \(endpoint.secret.reveal)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List endpoints.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let runtime = try options.runtime()
            let endpoints = try await runtime.console(try await runtime.openStore()).webhooks.endpoints()
            if options.json { return try JSONOutput.print(endpoints.map { WebhookEndpointJSON($0) }) }
            var table = TextTable("ID", "URL", "EVENTS", "STATUS", "NOTE")
            for endpoint in endpoints {
                table.add(
                    endpoint.id, endpoint.url,
                    endpoint.events.count == WebhookEventType.all.count
                        ? "all" : endpoint.events.sorted().map(\.rawValue).joined(separator: ","),
                    endpoint.enabled ? "enabled" : "disabled", endpoint.description)
            }
            print(table.rendered)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One endpoint (never its secret).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The endpoint id.") var id: String

        func run() async throws {
            let runtime = try options.runtime()
            let endpoint = try await runtime.console(try await runtime.openStore()).webhooks.endpoint(id: id)
            try JSONOutput.print(WebhookEndpointJSON(endpoint))
        }
    }

    struct Change: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change an endpoint: URL, events, note, enabled, or a new secret (printed once).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The endpoint id.") var id: String
        @Option(help: "A new URL.") var url: String?
        @Option(help: "Comma-separated events, or all.") var events: String?
        @Option(help: "A new note.") var description: String?
        /// `--enable` / `--disable`, as the README writes them.
        enum Switch: String, EnumerableFlag {
            case enable, disable
            static func help(for value: Switch) -> ArgumentHelp? {
                value == .enable ? "Send to it again." : "Stop sending to it (deliveries wait)."
            }
        }
        @Flag var switchTo: Switch?
        var enabled: Bool? { switchTo.map { $0 == .enable } }
        @Flag(name: .customLong("rotate-secret"), help: "Make a new signing secret.") var rotateSecret = false

        func run() async throws {
            let runtime = try options.runtime()
            let endpoint = try await runtime.console(try await runtime.openStore()).webhooks.change(
                id: id,
                .init(
                    url: url, events: events.map { [$0] }, description: description, enabled: enabled,
                    rotateSecret: rotateSecret), actor: "cli")
            if options.json {
                return try JSONOutput.print(WebhookEndpointJSON(endpoint, showingSecret: rotateSecret))
            }
            print("webhook \(endpoint.id) changed")
            if rotateSecret { print("new signing secret (shown once): \(endpoint.secret.reveal)") }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an endpoint with its delivery log.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The endpoint id.") var id: String

        func run() async throws {
            let runtime = try options.runtime()
            try await runtime.console(try await runtime.openStore()).webhooks.remove(id: id, actor: "cli")
            print("webhook \(id) removed")
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue a webhook.test event for an endpoint (the daemon sends it).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The endpoint id.") var id: String

        func run() async throws {
            let runtime = try options.runtime()
            let delivery = try await runtime.console(try await runtime.openStore()).webhooks.sendTest(
                id: id, actor: "cli")
            if options.json { return try JSONOutput.print(WebhookDeliveryJSON(delivery)) }
            print("test event \(delivery.eventID) queued as delivery \(delivery.id)")
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The delivery log, newest first; with an id, that delivery's attempts and body.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only this endpoint's.") var endpoint: String?
        @Option(help: "pending, delivered or dead.") var status: String?
        @Option(help: "How many.") var limit = 50
        @Argument(help: "A delivery id.") var id: Int64?

        func run() async throws {
            let runtime = try options.runtime()
            let desk = try runtime.console(try await runtime.openStore()).webhooks
            if let id {
                let (delivery, attempts, body) = try await desk.delivery(id: id)
                return try JSONOutput.print(WebhookDeliveryJSON(delivery, attempts: attempts, body: body))
            }
            var wanted: WebhookDelivery.Status?
            if let status {
                guard let parsed = WebhookDelivery.Status(rawValue: status) else {
                    throw ValidationError("--status: one of pending, delivered, dead")
                }
                wanted = parsed
            }
            let deliveries = try await desk.deliveries(endpointID: endpoint, status: wanted, limit: limit)
            if options.json { return try JSONOutput.print(deliveries.map { WebhookDeliveryJSON($0) }) }
            var table = TextTable("ID", "ENDPOINT", "EVENT", "STATUS", "ATTEMPTS", "LAST", "CREATED")
            for delivery in deliveries {
                table.add(
                    "\(delivery.id)", delivery.endpointID, delivery.eventType.rawValue, delivery.status.rawValue,
                    "\(delivery.attempts)",
                    delivery.lastError ?? delivery.lastStatusCode.map { "HTTP \($0)" } ?? "",
                    TransactionsCommand.List.vietnamTime(delivery.createdAt))
            }
            print(table.rendered)
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a dead (or waiting) delivery again now, its retries counted afresh.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The delivery id.") var id: Int64

        func run() async throws {
            let runtime = try options.runtime()
            let delivery = try await runtime.console(try await runtime.openStore()).webhooks.retry(
                deliveryID: id, actor: "cli")
            print("delivery \(delivery.id) (\(delivery.eventType)) queued again")
        }
    }
}
