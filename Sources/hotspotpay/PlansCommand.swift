import ArgumentParser
import Console
import HotspotPayCore

struct PlansCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plans", abstract: "List and change the packages on sale.",
        subcommands: [List.self, Add.self, Update.self, Disable.self, Enable.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List plans in display order.")
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Include plans that are not on sale.") var all = false

        func run() async throws {
            let plans = try await options.runtime().openStore().plans(includeInactive: all)
            if options.json { return try JSONOutput.print(plans) }
            var table = TextTable("ID", "NAME", "PRICE", "DURATION", "DATA", "SPEED", "ON SALE")
            for plan in plans {
                table.add(
                    plan.id, plan.name.vi + (plan.name.en.isEmpty ? "" : " / \(plan.name.en)"),
                    plan.price.formatted(.vi),
                    DurationText.format(seconds: plan.durationSeconds),
                    plan.dataCapBytes.map(ByteCount.format) ?? "unlimited",
                    plan.rateLimit?.summary ?? "router default", plan.isActive ? "yes" : "no")
            }
            print(table.rendered)
        }
    }

    /// Fields shared by add and update; nil means "not given".
    struct Fields: ParsableArguments {
        @Option(name: .customLong("name-vi"), help: "Name in Vietnamese, e.g. \"1 giờ\".") var nameVI: String?
        @Option(name: .customLong("name-en"), help: "Name in English.") var nameEN: String?
        @Option(help: "Price in VND: 10000, 10.000 or 10k.") var price: String?
        @Option(help: "Access time after payment: 30m, 1h, 1d, 7d.") var duration: String?
        @Option(name: .customLong("data-cap"), help: "Data allowance: 500MB, 5GB, or 'none'.") var dataCap: String?
        @Option(help: "Download speed: 10M, 512k, or 'none' (with --upload).") var download: String?
        @Option(help: "Upload speed: 2M, 256k, or 'none' (with --download).") var upload: String?
        @Option(help: "Display order; lower first.") var order: Int?

        /// The options as the console's plan changes (validated there, as for the web form and API).
        var changes: PlanChanges {
            PlanChanges(
                nameVI: nameVI, nameEN: nameEN, price: price, duration: duration, dataCap: dataCap, download: download,
                upload: upload, order: order)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a plan.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Short id, e.g. 1h, 1d, 5gb.") var id: String
        @OptionGroup var fields: Fields
        @Flag(help: "Add it without putting it on sale.") var inactive = false

        func run() async throws {
            var changes = fields.changes
            changes.active = !inactive
            let runtime = try options.runtime()
            let plan = try await runtime.console(try await runtime.openStore()).plans.add(id: id, changes, actor: "cli")
            print("added plan \(plan.id): \(plan.name.vi), \(plan.price.formatted(.vi))")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a plan; sales already made keep their price.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The plan's id.") var id: String
        @OptionGroup var fields: Fields

        func run() async throws {
            let runtime = try options.runtime()
            _ = try await runtime.console(try await runtime.openStore()).plans.update(
                id: id, fields.changes, actor: "cli")
            print("updated plan \(id)")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a plan off sale (its history stays).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The plan's id.") var id: String

        func run() async throws { try await setActive(false, id: id, options: options) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a plan back on sale.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The plan's id.") var id: String

        func run() async throws { try await setActive(true, id: id, options: options) }
    }

    static func setActive(_ active: Bool, id: String, options: GlobalOptions) async throws {
        let runtime = try options.runtime()
        _ = try await runtime.console(try await runtime.openStore()).plans.update(
            id: id, PlanChanges(active: active), actor: "cli")
        print("plan \(id) is \(active ? "on sale" : "off sale")")
    }
}
