import Crypto
import Foundation
import HotspotPayCore

/// The AES-256 key that seals secrets at rest. It comes from the environment, never from the
/// database it protects.
public struct SecretKey: Sendable {
    public static let environmentVariable = "HOTSPOTPAY_SECRET_KEY"
    public static let fileEnvironmentVariable = "HOTSPOTPAY_SECRET_KEY_FILE"

    let key: SymmetricKey
    /// A short fingerprint naming the key in sealed values and messages; not secret.
    public let id: String

    /// Why a key cannot be used.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let source: String
        public let reason: String
        public var description: String {
            "the encryption key from \(source) is unusable: \(reason). Expected base64 or hex of 32 random bytes, e.g. from `hotspotpay keygen`"
        }
    }

    public init(bytes: [UInt8]) throws(Invalid) {
        guard bytes.count == 32 else {
            throw Invalid(source: "the given bytes", reason: "it is \(bytes.count) bytes long")
        }
        key = SymmetricKey(data: bytes)
        let digest = SHA256.hash(data: Array("hotspotpay key id".utf8) + bytes)
        id = ASCIIHex.lowercase(digest.prefix(4))
    }

    /// Reads base64 (44 characters) or hex (64 characters) text.
    public init(text: String, source: String) throws(Invalid) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let bytes: [UInt8]
        if trimmed.count == 64, let hex = Self.decodeHex(trimmed) {
            bytes = hex
        } else if let data = Data(base64Encoded: trimmed) {
            bytes = Array(data)
        } else {
            throw Invalid(source: source, reason: "it is neither base64 nor hex")
        }
        do { try self.init(bytes: bytes) } catch {
            throw Invalid(source: source, reason: "it decodes to \(bytes.count) bytes, not 32")
        }
    }

    /// The key named by the environment: the variable itself, or a file it points to.
    /// Returns nil when neither is set.
    public static func fromEnvironment(_ environment: [String: String]) throws(Invalid) -> SecretKey? {
        if let text = environment[environmentVariable], !text.isEmpty {
            return try SecretKey(text: text, source: environmentVariable)
        }
        if let path = environment[fileEnvironmentVariable], !path.isEmpty {
            return try fromFile(path)
        }
        return nil
    }

    public static func fromFile(_ path: String) throws(Invalid) -> SecretKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Invalid(source: path, reason: "the file cannot be read")
        }
        return try SecretKey(text: String(decoding: data, as: UTF8.self), source: path)
    }

    /// A fresh random key as base64.
    public static func generateText() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    private static func decodeHex(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var iterator = text.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let value = UInt8(String([high, low]), radix: 16) else { return nil }
            bytes.append(value)
        }
        return bytes
    }
}
