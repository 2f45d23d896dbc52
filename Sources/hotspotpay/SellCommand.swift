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
    @Option(
        name: .customLong("external-reference"),
        help:
            "Sold by another system (a hotel check-in) under this reference instead of for cash; the same reference for the same device sells once."
    )
    var externalReference: String?
    @Flag(
        name: .customLong("confirm-unseen"),
        help: "Sell for cash to a device the venue has never seen (checked with the guest: most such codes are typos).")
    var confirmUnseen = false

    func run() async throws {
        let runtime = try options.runtime()
        let (sold, created) = try await runtime.console(try await runtime.openStore()).saleDesk.sell(
            planID: plan, device: device, routerID: router,
            payment: externalReference.map { .external(reference: $0) } ?? .cash, confirmUnseen: confirmUnseen,
            actor: "cli")
        if options.json { return try JSONOutput.print(TransactionView(sold)) }
        let how = externalReference.map { "under reference \($0)" } ?? "for \(sold.amount.formatted(.vi)) cash"
        print("\(created ? "sold" : "already sold") \(sold.planID) to \(sold.mac) \(how): order \(sold.orderCode)")
    }
}
