import ArgumentParser
import Config
import Foundation

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Check a config file and report every problem with its key path.")

    @Argument(help: "The config file to check.") var file: String

    func run() throws {
        do {
            let config = try Runtime.loadConfig(path: file, environment: ProcessInfo.processInfo.environment)
            for warning in config.warnings + config.routers.flatMap(\.setupWarnings) {
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
            print(
                "\(file): OK — \(config.plans.count) plan(s), \(config.routers.count) router(s), providers: "
                    + config.providers.enabled.map(\.rawValue).joined(separator: ", "))
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
