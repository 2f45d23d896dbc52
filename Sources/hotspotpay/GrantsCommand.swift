import ArgumentParser
import Console
import Foundation
import HotspotPayCore
import Store

/// `hotspotpay grants`: devices' paid access.
struct GrantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grants", abstract: "List, extend or end devices' paid access.",
        subcommands: [List.self, Extend.self, Revoke.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Active grants, newest first.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let runtime = try options.runtime()
            let grants = try await runtime.console(try await runtime.openStore()).grants.active(limit: 1000)
            let now = Date()
            if options.json { return try JSONOutput.print(grants.map { GrantJSON($0, now: now) }) }
            var table = TextTable("ID", "MAC", "TIME LEFT", "UNTIL", "DATA LEFT", "SPEED")
            for grant in grants {
                table.add(
                    grant.id, grant.mac.description, DurationText.format(seconds: grant.secondsLeft(at: now)),
                    TransactionsCommand.List.vietnamTime(grant.validUntil),
                    grant.dataRemainingBytes.map(ByteCount.format) ?? "unlimited", grant.rateLimit?.summary ?? "-")
            }
            print(table.rendered)
        }
    }

    struct Extend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add time (and data) to an active grant.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The grant's id.") var id: String
        @Option(help: "Time to add: 30m, 1h, 1d.") var duration: String
        @Option(help: "Data to add: 1GB.") var data: String?
        @Option(help: "Why, for the audit log.") var reason: String

        func run() async throws {
            let runtime = try options.runtime()
            let grant = try await runtime.console(try await runtime.openStore()).grants.extend(
                id: id, by: duration, data: data, reason: reason, actor: "cli")
            print("grant \(id) now runs until \(TransactionsCommand.List.vietnamTime(grant.validUntil))")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a grant now and disconnect the device.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The grant's id.") var id: String
        @Option(help: "Why, for the audit log.") var reason: String

        func run() async throws {
            let runtime = try options.runtime()
            _ = try await runtime.console(try await runtime.openStore()).grants.revoke(
                id: id, reason: reason, actor: "cli")
            print("grant \(id) revoked; the running daemon disconnects the device")
        }
    }
}
