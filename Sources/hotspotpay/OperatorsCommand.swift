import ArgumentParser
import Console
import Foundation
import HotspotPayCore

struct OperatorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operators", abstract: "Manage the people who may sign in to the console at /admin.",
        subcommands: [Add.self, List.self, Password.self, Role.self, Disable.self, Enable.self],
        defaultSubcommand: List.self)

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an operator (the first one is made this way).",
            discussion: """
                The password is asked for twice on a terminal; otherwise it is read from the first line of \
                standard input (e.g. from a password manager), or from $HOTSPOTPAY_OPERATOR_PASSWORD.
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "Sign-in name: lower-case letters, digits, '.', '_', '-'.") var username: String
        @Option(name: .customLong("display-name"), help: "The name shown in the console.") var displayName = ""
        @Option(help: "owner (everything), manager (no staff accounts) or cashier (the counter).")
        var role: StaffRole = .owner

        func run() async throws {
            let password = try PasswordPrompt.read(confirm: true)
            let runtime = try options.runtime()
            let person = try await runtime.console(try await runtime.openStore()).accounts.addOperator(
                username: username, displayName: displayName, password: password, role: role, actor: "cli")
            print(
                "added operator \(person.username) (\(person.role.rawValue)); sign in at \(runtime.config.publicURL)/admin"
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List operators.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let runtime = try options.runtime()
            let people = try await runtime.console(try await runtime.openStore()).accounts.operators()
            if options.json { return try JSONOutput.print(people.map(OperatorJSON.init)) }
            var table = TextTable("USERNAME", "NAME", "ROLE", "CREATED", "STATUS")
            for person in people {
                table.add(
                    person.username, person.displayName, person.role.rawValue,
                    TransactionsCommand.List.vietnamTime(person.createdAt),
                    person.isDisabled ? "disabled" : "active")
            }
            print(table.rendered)
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "passwd", abstract: "Set an operator's password (signs them out everywhere).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The operator's username.") var username: String

        func run() async throws {
            let password = try PasswordPrompt.read(confirm: true)
            let runtime = try options.runtime()
            try await runtime.console(try await runtime.openStore()).accounts.setPassword(
                username: username, password: password, actor: "cli")
            print("password of \(username) changed; their sessions are closed")
        }
    }

    struct Role: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change what an operator may do (at once, for their sessions and tokens too).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The operator's username.") var username: String
        @Argument(help: "owner, manager or cashier.") var role: StaffRole

        func run() async throws {
            let runtime = try options.runtime()
            _ = try await runtime.console(try await runtime.openStore()).accounts.setRole(
                username: username, role, actor: "cli")
            print("operator \(username) is now \(role.rawValue)")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop an operator from signing in (and their tokens).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The operator's username.") var username: String

        func run() async throws {
            let runtime = try options.runtime()
            try await runtime.console(try await runtime.openStore()).accounts.setDisabled(
                username: username, true, actor: "cli")
            print("operator \(username) disabled")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a disabled operator sign in again.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The operator's username.") var username: String

        func run() async throws {
            let runtime = try options.runtime()
            try await runtime.console(try await runtime.openStore()).accounts.setDisabled(
                username: username, false, actor: "cli")
            print("operator \(username) enabled")
        }
    }
}

/// Reads a new password without echoing it on a terminal.
enum PasswordPrompt {
    static let environmentVariable = "HOTSPOTPAY_OPERATOR_PASSWORD"

    static func read(confirm: Bool) throws -> String {
        if let fromEnvironment = ProcessInfo.processInfo.environment[environmentVariable], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        guard isatty(STDIN_FILENO) == 1 else {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("no password on standard input")
            }
            return line
        }
        guard let first = getpass("Password (10+ characters): ").map({ String(cString: $0) }) else {
            throw ValidationError("cannot read the password")
        }
        if confirm {
            let second = getpass("Again: ").map { String(cString: $0) }
            guard second == first else { throw ValidationError("the passwords differ") }
        }
        return first
    }
}

extension StaffRole: ExpressibleByArgument {}
