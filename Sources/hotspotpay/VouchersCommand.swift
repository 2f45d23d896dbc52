import ArgumentParser
import Console
import Foundation
import HotspotPayCore

struct VouchersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vouchers", abstract: "Voucher codes: make a batch, list, show or export its codes, withdraw it.",
        subcommands: [Make.self, List.self, Show.self, Export.self, Revoke.self], defaultSubcommand: List.self)

    struct Make: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a batch of codes for a plan and print them.",
            discussion: """
                Each code (e.g. K7QX-M9P4-T2AB) unlocks up to --devices devices through "I have a code" on the \
                portal's plans page, until --valid-until (a venue day, valid through its end, or an ISO 8601 time) \
                or until the batch is revoked. Redemptions count as voucher sales at --price (default: the plan's).
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "The plan's id.") var plan: String
        @Option(help: "How many codes (1 to 1000).") var count: Int
        @Option(name: .customLong("valid-until"), help: "Last day (YYYY-MM-DD) or ISO 8601 time.") var validUntil:
            String
        @Option(help: "Price of one voucher for revenue, e.g. 10000 or 10k (default: the plan's price).")
        var price = ""
        @Option(help: "Devices one code may unlock.") var devices = 1
        @Option(help: "A note for the batch (where it is sold, who it is for).") var note = ""

        func run() async throws {
            let runtime = try options.runtime()
            let (batch, codes) = try await runtime.console(try await runtime.openStore()).vouchers.make(
                .init(
                    plan: plan, count: count, validUntil: validUntil, price: price, devicesPerCode: devices,
                    note: note), actor: "cli")
            if options.json { return try JSONOutput.print(VoucherBatchJSON(batch, vouchers: codes)) }
            print("batch \(batch.id): \(codes.count) vouchers for \(batch.planID) at \(batch.price.dong) VND each")
            for voucher in codes { print(voucher.code) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List voucher batches, newest first.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let runtime = try options.runtime()
            let batches = try await runtime.console(try await runtime.openStore()).vouchers.batches()
            if options.json { return try JSONOutput.print(batches.map { VoucherBatchJSON($0) }) }
            var table = TextTable("BATCH", "PLAN", "CODES", "PRICE", "VALID UNTIL", "STATUS", "NOTE")
            for batch in batches {
                table.add(
                    batch.id, batch.planID, "\(batch.count)", "\(batch.price.dong)",
                    TransactionsCommand.List.vietnamTime(batch.validUntil),
                    batch.revokedAt == nil ? "active" : "revoked",
                    batch.note)
            }
            print(table.rendered)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A batch's codes and how often each was used.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The batch id.") var batch: String

        func run() async throws {
            let runtime = try options.runtime()
            let (found, codes) = try await runtime.console(try await runtime.openStore()).vouchers.batch(id: batch)
            if options.json { return try JSONOutput.print(VoucherBatchJSON(found, vouchers: codes)) }
            var table = TextTable("CODE", "USED")
            for voucher in codes {
                table.add(voucher.code.description, "\(voucher.redemptions)/\(found.devicesPerCode)")
            }
            print(table.rendered)
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A batch's codes as CSV on standard output.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The batch id.") var batch: String

        func run() async throws {
            let runtime = try options.runtime()
            print(try await runtime.console(try await runtime.openStore()).vouchers.csv(id: batch), terminator: "")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw a batch: none of its codes redeems any more (access already given stays).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The batch id.") var batch: String

        func run() async throws {
            let runtime = try options.runtime()
            _ = try await runtime.console(try await runtime.openStore()).vouchers.revoke(id: batch, actor: "cli")
            print("voucher batch \(batch) revoked")
        }
    }
}
