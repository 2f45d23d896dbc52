import ArgumentParser
import Foundation

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Copy the database to a new file while the daemon keeps running.",
        discussion: """
            Uses SQLite's online backup: the copy is one consistent moment, taken without stopping \
            sales. The copy holds router secrets sealed with the encryption key; keep the key \
            (HOTSPOTPAY_SECRET_KEY) with it, or the restored database cannot be used. Restore by \
            stopping the daemon and putting the copy in place of the database file.
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The new file, e.g. /var/backups/hotspotpay-$(date +%F).sqlite.") var file: String

    func run() async throws {
        let store = try options.runtime().openSQLiteStore(for: "backup")
        let started = Date()
        let check = try store.backup(to: file)
        guard check == "ok" else { throw ValidationError("the copy at \(file) failed its integrity check: \(check)") }
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        print(
            String(
                format: "%@ → %@: %.1f MB in %.1f s, integrity ok", store.path, file, Double(size) / 1_000_000,
                Date().timeIntervalSince(started)))
    }
}
