import ArgumentParser
import Console
import Foundation
import HotspotPayCore
import Store

/// `hotspotpay refund`: give money back through the provider, as the console's refund form does.
struct RefundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refund", abstract: "Refund a paid sale (in full or in part) through its provider.",
        discussion: """
            Sandbox sales can only be refunded by the running daemon (its wallet lives in memory): use the \
            console's refund form or POST /api/admin/transactions/{id}/refund for those.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The sale's id or order code.") var reference: String
    @Option(help: "Amount in VND (default: everything not refunded yet).") var amount: String?
    @Option(help: "Why, for the audit log and the provider.") var reason: String
    @Flag(name: .customLong("keep-access"), help: "Do not end the device's access on a full refund.")
    var keepAccess = false

    func run() async throws {
        let runtime = try options.runtime()
        let console = runtime.console(try runtime.openStore())
        let sale = try await console.sales.sale(id: reference)
        let outcome = try await console.refunds.refund(
            transactionID: sale.transaction.id, amount: amount, reason: reason, revokeAccess: !keepAccess, actor: "cli")
        if outcome.refund.status == .requested {
            return print(
                "refund \(outcome.refund.id) of \(outcome.refund.amount.formatted(.vi)) was sent but \(sale.transaction.provider) "
                    + "gave no clear answer; it is held as 'checking with the provider' (the money cannot be refunded "
                    + "twice): `hotspotpay refunds check \(outcome.refund.id)`")
        }
        print(
            "refunded \(outcome.refund.amount.formatted(.vi)) of \(sale.transaction.orderCode) (provider reference \(outcome.refund.providerReference ?? "-")); sale is \(outcome.transaction.status.rawValue)"
                + (outcome.revokedGrant != nil ? "; access ended" : ""))
    }
}

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
            let grants = try await runtime.console(try runtime.openStore()).grants.active(limit: 1000)
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
            let grant = try await runtime.console(try runtime.openStore()).grants.extend(
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
            _ = try await runtime.console(try runtime.openStore()).grants.revoke(id: id, reason: reason, actor: "cli")
            print("grant \(id) revoked; the running daemon disconnects the device")
        }
    }
}

/// `hotspotpay revenue`: the console's revenue report.
struct RevenueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revenue", abstract: "Revenue between two days (Vietnam time), by day, plan, provider or router.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "First day, YYYY-MM-DD (default: the first of this month).") var from: String?
    @Option(help: "Last day, YYYY-MM-DD (default: today).") var to: String?
    @Option(help: "day, plan, provider or router.") var by = "day"

    func run() async throws {
        guard let grouping = RevenueGrouping(rawValue: by) else {
            throw ValidationError("--by is one of day, plan, provider, router")
        }
        let runtime = try options.runtime()
        let console = runtime.console(try runtime.openStore())
        let today = console.venue.dayText(Date())
        let lines = try await console.dashboard.revenue(
            from: from ?? String(today.prefix(8)) + "01", to: to ?? today, by: grouping)
        if options.json {
            struct Line: Encodable {
                var key: String
                var sales: Int
                var gross, refunded, net: Int64
            }
            return try JSONOutput.print(
                lines.map {
                    Line(
                        key: $0.key, sales: $0.sales, gross: $0.gross.dong, refunded: $0.refunded.dong, net: $0.net.dong
                    )
                })
        }
        var table = TextTable(by.uppercased(), "SALES", "GROSS", "REFUNDED", "NET")
        for line in lines {
            table.add(
                line.key, "\(line.sales)", line.gross.formatted(.vi), line.refunded.formatted(.vi),
                line.net.formatted(.vi))
        }
        print(table.rendered)
    }
}
