import ArgumentParser
import Foundation
import Store

/// `hotspotpay rekey`: every sealed secret under a new encryption key, with the daemon running.
struct RekeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rekey", abstract: "Rotate the encryption key: re-seal every secret under a new key.",
        discussion: """
            With a key file (secret_key_file: or HOTSPOTPAY_SECRET_KEY_FILE) the new key is written at the top of \
            the file and the old one kept below it, before anything is re-sealed; a running daemon reads the \
            file again when it meets the new key, so it keeps answering throughout. All secrets are re-sealed \
            in one database transaction: it happens completely or not at all. With HOTSPOTPAY_SECRET_KEY, the \
            command prints the value to set (new key first) and the daemon needs a restart with it.
            """)
    @OptionGroup var options: GlobalOptions
    @Option(name: .customLong("new-key-file"), help: "The new key (from `hotspotpay keygen`); made here when left out.")
    var newKeyFile: String?

    func run() async throws {
        let runtime = try options.runtime()
        guard let source = runtime.keySource, let keyring = try runtime.secretKeyring() else {
            throw RuntimeError("no encryption key is configured: nothing is sealed, nothing to rotate")
        }
        let newText: String
        if let newKeyFile {
            guard let data = FileManager.default.contents(atPath: newKeyFile) else {
                throw RuntimeError("cannot read the new key file \(newKeyFile)")
            }
            newText = String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        } else {
            newText = SecretKey.generateText()
        }
        let newKey = try SecretKey(text: newText, source: newKeyFile ?? "the new key")
        guard keyring.key(id: newKey.id) == nil || keyring.current.id != newKey.id else {
            throw RuntimeError("key \(newKey.id) already seals this database's secrets")
        }
        if case .file(let path) = source {
            // First the file (new key on top, every old one kept), then the database: a daemon that
            // meets a value sealed with the new key finds it in the file.
            let old = (FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? "")
                .split(separator: "\n").map(String.init)
                .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#") }
            let text = ([newText.trimmingCharacters(in: .whitespaces)] + old).joined(separator: "\n") + "\n"
            let temporary = path + ".new"
            guard
                FileManager.default.createFile(
                    atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            else { throw RuntimeError("cannot write \(temporary)") }
            guard rename(temporary, path) == 0 else { throw RuntimeError("cannot replace the key file \(path)") }
        }
        let store = try await runtime.openStore()
        let count = try await store.resealSecrets(with: newKey, actor: "cli")
        print("re-sealed \(count) secrets from key \(keyring.current.id) to key \(newKey.id)")
        switch source {
        case .file(let path):
            print(
                """
                \(path) now holds the new key first and the old ones below it; running daemons picked it up. \
                Remove the old lines once every daemon and backup you care about uses the new key.
                """)
        case .environment:
            let old = ProcessInfo.processInfo.environment[SecretKey.environmentVariable] ?? ""
            print(
                """
                Set HOTSPOTPAY_SECRET_KEY to the new key (the old one after a comma keeps older backups readable) \
                and restart the daemon:
                HOTSPOTPAY_SECRET_KEY=\(newText),\(old.split(separator: ",").first.map(String.init) ?? "")
                """)
        }
    }
}
