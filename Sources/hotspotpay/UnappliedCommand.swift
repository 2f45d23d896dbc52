import ArgumentParser
import Console
import Foundation
import HotspotPayCore

/// `hotspotpay unapplied`: money received without access, as on the console's dashboard.
struct UnappliedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unapplied", abstract: "Money a provider confirmed that unlocked nobody: list it and settle it.",
        subcommands: [List.self, Resolve.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open ones, newest first (--all: resolved too).")
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Include resolved ones.") var all = false

        func run() async throws {
            let runtime = try options.runtime()
            let found = try await runtime.console(try await runtime.openStore()).unapplied.list(open: !all)
            if options.json { return try JSONOutput.print(found.map(UnappliedPaymentJSON.init)) }
            var table = TextTable("ID", "RECEIVED", "PROVIDER", "REFERENCE", "AMOUNT", "WHY", "RESOLVED")
            for money in found {
                table.add(
                    money.id, TransactionsCommand.List.vietnamTime(money.receivedAt), money.provider.rawValue,
                    money.providerReference, money.amount.formatted(.vi), money.kind.rawValue,
                    money.resolution.map { "\($0.rawValue) by \(money.resolvedBy ?? "?")" } ?? "-")
            }
            print(table.rendered)
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refund it, grant the access it paid for, mark it refunded at the bank, or dismiss it.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Its id (from `unapplied list`).") var id: String
        @Option(help: "refund, grant, mark_refunded or dismiss.") var action: String
        @Option(help: "Why, for the audit log.") var note: String

        func run() async throws {
            guard let chosen = UnappliedMoneyDesk.Action(rawValue: action) else {
                throw ValidationError("--action is one of refund, grant, mark_refunded, dismiss")
            }
            let runtime = try options.runtime()
            let money = try await runtime.console(try await runtime.openStore()).unapplied.resolve(
                id: id, action: chosen, note: note, actor: "cli")
            print("\(money.provider) \(money.providerReference): \(money.resolution?.rawValue ?? "open")")
        }
    }
}

/// `hotspotpay refunds`: refunds whose outcome the provider left unknown.
struct RefundsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refunds", abstract: "Settle refunds still being checked with their provider.",
        subcommands: [Check.self, Resolve.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask the provider what became of a refund.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The refund's id (from `transactions show`).") var id: String

        func run() async throws {
            let runtime = try options.runtime()
            let refund = try await runtime.console(try await runtime.openStore()).refunds.check(
                refundID: id, actor: "cli")
            print("refund \(refund.id): \(refund.status.rawValue)\(refund.note.map { " (\($0))" } ?? "")")
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Settle a refund by hand after looking it up in the provider's merchant portal.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The refund's id.") var id: String
        @Flag(help: "The portal shows it done (give --reference) or not done.") var outcome: Outcome
        @Option(help: "The refund's id in the provider's portal.") var reference: String?
        @Option(help: "What the portal showed, for the audit log.") var note: String

        enum Outcome: String, EnumerableFlag {
            case succeeded
            case failed
        }

        func run() async throws {
            let runtime = try options.runtime()
            let refund = try await runtime.console(try await runtime.openStore()).refunds.resolve(
                refundID: id, succeeded: outcome == .succeeded, providerReference: reference, note: note, actor: "cli")
            print("refund \(refund.id): \(refund.status.rawValue)")
        }
    }
}
