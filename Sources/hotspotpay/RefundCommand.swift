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
        let console = runtime.console(try await runtime.openStore())
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
