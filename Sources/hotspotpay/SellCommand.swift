import ArgumentParser
import Checkout
import Console
import Foundation
import HotspotPayCore

struct SellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sell",
        abstract: "Sell a plan for cash at the counter and unlock the device.",
        discussion: """
            The device is named by the code its portal page shows ("Paying in cash at the counter?") or by its \
            MAC. Recorded as a cash sale at the plan's price in the CLI's name; the running daemon unlocks the \
            device as after a payment.
            """)
    @OptionGroup var options: GlobalOptions
    @Option(help: "The plan's id.") var plan: String
    @Option(help: "The device's code from its portal page, or its MAC.") var device: String
    @Option(help: "The router, when the venue has several and the device was not seen yet.") var router: String?

    func run() async throws {
        let runtime = try options.runtime()
        let sold = try await runtime.console(try runtime.openStore()).saleDesk.sellForCash(
            planID: plan, device: device, routerID: router, actor: "cli")
        if options.json { return try JSONOutput.print(TransactionView(sold)) }
        print("sold \(sold.planID) to \(sold.mac) for \(sold.amount.formatted(.vi)) cash: order \(sold.orderCode)")
    }
}
