import ArgumentParser
import Console
import Foundation
import HotspotPayCore

struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "API tokens for scripts (Authorization: Bearer …).",
        subcommands: [Create.self, List.self, Revoke.self], defaultSubcommand: List.self)

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a token acting as an operator; printed once.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "The operator the token acts as.") var username: String
        @Option(help: "What it is for, e.g. 'nightly export'.") var name: String

        func run() async throws {
            let runtime = try options.runtime()
            let accounts = runtime.console(try await runtime.openStore()).accounts
            let person = try await accounts.operatorNamed(username)
            let made = try await accounts.createToken(name: name, for: person, actor: "cli")
            print(made.secret)
            FileHandle.standardError.write(
                Data("token \(made.token.id) for \(username): store it now, it is not shown again\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let runtime = try options.runtime()
            let console = runtime.console(try await runtime.openStore())
            if options.json { return try JSONOutput.print(try await console.accounts.tokens().map { TokenJSON($0) }) }
            let names = Dictionary(
                uniqueKeysWithValues: try await console.accounts.operators().map { ($0.id, $0.username) })
            var table = TextTable("ID", "NAME", "STARTS WITH", "OPERATOR", "CREATED", "REVOKED")
            for token in try await console.accounts.tokens() {
                table.add(
                    token.id, token.name, token.prefix + "…", names[token.operatorID] ?? "?",
                    TransactionsCommand.List.vietnamTime(token.createdAt),
                    token.revokedAt.map(TransactionsCommand.List.vietnamTime) ?? "-")
            }
            print(table.rendered)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token at once.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The token's id (from `tokens list`).") var id: String

        func run() async throws {
            let runtime = try options.runtime()
            try await runtime.console(try await runtime.openStore()).accounts.revokeToken(id: id, actor: "cli")
            print("token \(id) revoked")
        }
    }
}
