import ArgumentParser
import Console
import Foundation
import HotspotPayCore
import Store

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
        let console = runtime.console(try await runtime.openStore())
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
