import ArgumentParser
import Checkout
import Console
import Foundation
import HotspotPayCore
import Store

struct TransactionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transactions", abstract: "Look up purchases.",
        subcommands: [List.self, Show.self, Recheck.self, Unlock.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List transactions, newest first.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "pending, paid, failed, expired, cancelled or refunded.") var status: String?
        @Option(help: "sandbox, momo, vnpay or vietqr.") var provider: String?
        @Option(help: "The device's MAC address.") var mac: String?
        @Option(help: "The router's id.") var router: String?
        @Option(name: .customLong("order-code"), help: "The short code the guest saw.") var orderCode: String?
        @Option(help: "Created on or after this day (YYYY-MM-DD, Vietnam time) or ISO 8601 time.") var since: String?
        @Option(help: "Created before this day (YYYY-MM-DD, Vietnam time) or ISO 8601 time.") var until: String?
        @Option(help: "How many rows at most.") var limit = 50
        @Option(help: "Rows to skip, for paging.") var offset = 0

        func run() async throws {
            // The console's search (the same parsing as the web page and the API), plus times.
            var query = try SalesQuery(
                parameters: ["status": status, "provider": provider, "mac": mac, "router": router, "order": orderCode]
                    .compactMapValues { $0 })
            query.filter.createdFrom = try since.map(Self.date)
            query.filter.createdBefore = try until.map(Self.date)
            query.filter.limit = limit
            query.filter.offset = offset
            let runtime = try options.runtime()
            let transactions = try await runtime.console(try await runtime.openStore()).sales.search(query).sales
            if options.json { return try JSONOutput.print(transactions.map { TransactionView($0) }) }
            var table = TextTable("CREATED", "ORDER", "STATUS", "AMOUNT", "PLAN", "PROVIDER", "MAC", "ROUTER")
            for transaction in transactions {
                table.add(
                    Self.vietnamTime(transaction.createdAt), transaction.orderCode.description,
                    transaction.status.rawValue,
                    transaction.amount.formatted(.vi), transaction.planID, transaction.provider.rawValue,
                    transaction.mac.description, transaction.routerID)
            }
            print(table.rendered)
        }

        /// Days are in Vietnam time (UTC+7, no daylight saving), as the venue counts them.
        static func date(_ text: String) throws -> Date {
            let day = DateFormatter()
            day.dateFormat = "yyyy-MM-dd"
            day.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
            day.locale = Locale(identifier: "en_US_POSIX")
            if let date = day.date(from: text) { return date }
            if let date = ISO8601DateFormatter().date(from: text) { return date }
            throw ValidationError("'\(text)' is not a date: expected YYYY-MM-DD or an ISO 8601 time")
        }

        /// `2026-11-27 18:12:14` in Vietnam time; a value-type style, built once, not per row.
        static let vietnamStyle = Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 7 * 3600)!).year().month()
            .day().dateSeparator(.dash).dateTimeSeparator(.space).time(includingFractionalSeconds: false)

        static func vietnamTime(_ date: Date) -> String { date.formatted(vietnamStyle) }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one transaction with its history.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The transaction's id or order code.") var reference: String

        struct Detail: Encodable {
            var transaction: TransactionView
            var history: [Event]
            struct Event: Encodable {
                var at: Date
                var kind: String
                var actor: String
                var detail: String
            }
        }

        func run() async throws {
            let runtime = try options.runtime()
            let detail = try await runtime.console(try await runtime.openStore()).sales.sale(id: reference)
            let transaction = detail.transaction
            if options.json {
                return try JSONOutput.print(
                    Detail(
                        transaction: TransactionView(transaction),
                        history: detail.timeline.map {
                            .init(at: $0.at, kind: $0.step, actor: $0.actor, detail: $0.detail)
                        }
                    ))
            }
            let time = List.vietnamTime
            print(
                """
                Order      \(transaction.orderCode)   (id \(transaction.id))
                Status     \(transaction.status.rawValue)
                Amount     \(transaction.amount.formatted(.vi))   plan \(transaction.planID)   via \(transaction.provider)
                Device     \(transaction.mac)\(transaction.clientIP.map { " at \($0)" } ?? "")   router \(transaction.routerID)
                Created    \(time(transaction.createdAt))   expires \(time(transaction.expiresAt))
                Paid       \(transaction.paidAt.map(time) ?? "-")   reference \(transaction.providerReference ?? "-")
                Refundable \(detail.refundable.formatted(.vi))

                Timeline
                """)
            var table = TextTable("TIME", "STEP", "BY", "DETAIL")
            for entry in detail.timeline { table.add(time(entry.at), entry.step, entry.actor, entry.detail) }
            print(table.rendered)
        }
    }

    struct Recheck: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask the provider about a sale now; a definite answer is applied as a callback would be.",
            discussion: """
                A payment the provider confirms late is applied (access started, unlock queued for the running \
                daemon); a failure fails the sale. Audited as the CLI.
                """)
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The transaction's id or order code.") var reference: String

        func run() async throws {
            let runtime = try options.runtime()
            let recheck = try await runtime.console(try await runtime.openStore()).saleDesk.recheck(
                transactionID: reference, actor: "cli")
            print("\(recheck.transaction.orderCode): \(recheck.summary) (now \(recheck.transaction.status.rawValue))")
        }
    }

    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a paid device's unlock again (CoA, or a REST login on a login router with the API).",
            discussion: "The running daemon's unlock worker sends it; `transactions show` shows the result.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The transaction's id or order code.") var reference: String

        func run() async throws {
            let runtime = try options.runtime()
            let job = try await runtime.console(try await runtime.openStore()).saleDesk.resendUnlock(
                transactionID: reference, actor: "cli")
            print("queued \(job.action.rawValue) for \(job.mac) at router \(job.routerID) (job \(job.id))")
        }
    }
}
