import ArgumentParser
import Store

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Print a new random encryption key for \(SecretKey.environmentVariable).",
        discussion: "Keep it outside the database folder: whoever has both can read the stored secrets.")

    func run() {
        print(SecretKey.generateText())
    }
}
