import Foundation

/// The keys that open sealed secrets: `current` seals, `previous` only open what was sealed
/// before a rotation (`hotspotpay rekey`). Written one key per line in a key file (or separated
/// by commas in `HOTSPOTPAY_SECRET_KEY`), the current key first.
public struct SecretKeyring: Sendable {
    public var current: SecretKey
    public var previous: [SecretKey]

    public init(current: SecretKey, previous: [SecretKey] = []) {
        self.current = current
        self.previous = previous.filter { $0.id != current.id }
    }

    /// The key with that id, if this ring has it.
    public func key(id: String) -> SecretKey? {
        current.id == id ? current : previous.first { $0.id == id }
    }

    public var ids: [String] { [current.id] + previous.map(\.id) }

    /// Keys one per line (or comma-separated); blank lines and `#` comments are skipped.
    public init(text: String, source: String) throws(SecretKey.Invalid) {
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "," })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard let first = lines.first else { throw SecretKey.Invalid(source: source, reason: "it holds no key") }
        var keys: [SecretKey] = []
        for line in lines { keys.append(try SecretKey(text: line, source: source)) }
        self.init(current: keys[0], previous: Array(keys.dropFirst()))
        _ = first
    }

    public static func fromFile(_ path: String) throws(SecretKey.Invalid) -> SecretKeyring {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SecretKey.Invalid(source: path, reason: "the file cannot be read")
        }
        return try SecretKeyring(text: String(decoding: data, as: UTF8.self), source: path)
    }

    /// The keys named by the environment (the variable, or the file it points to); nil when unset.
    public static func fromEnvironment(_ environment: [String: String]) throws(SecretKey.Invalid) -> SecretKeyring? {
        if let text = environment[SecretKey.environmentVariable], !text.isEmpty {
            return try SecretKeyring(text: text, source: SecretKey.environmentVariable)
        }
        if let path = environment[SecretKey.fileEnvironmentVariable], !path.isEmpty { return try fromFile(path) }
        return nil
    }
}
