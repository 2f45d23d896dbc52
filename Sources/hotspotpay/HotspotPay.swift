import ArgumentParser

/// The `hotspotpay` command: the daemon and the operator's tools in one binary.
@main
struct HotspotPay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotspotpay",
        abstract: "Sell WiFi access on MikroTik hotspots, paid with MoMo, VNPay or VietQR.",
        discussion: """
            With no --config, every command uses the embedded defaults: a SQLite file under ./data (or \
            $HOTSPOTPAY_DATA_DIR), the sandbox provider, two demo plans and a demo router.
            """,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, CheckConfigCommand.self, PlansCommand.self, RoutersCommand.self,
            TransactionsCommand.self, SellCommand.self, VouchersCommand.self, WebhooksCommand.self, RefundCommand.self,
            RefundsCommand.self,
            UnappliedCommand.self,
            GrantsCommand.self, RevenueCommand.self,
            OperatorsCommand.self,
            TokensCommand.self, KeygenCommand.self, RekeyCommand.self, RouterOSScriptCommand.self, DoctorCommand.self,
            BackupCommand.self,
        ]
    )
}
