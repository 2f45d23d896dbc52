import Crypto
import Foundation
import Synchronization

/// Seals and opens secrets stored in the database with AES-256-GCM.
///
/// Sealed form: `v1:<key id>:<base64 of nonce‖ciphertext‖tag>`. The key id picks the key of the
/// ring that opens it (so values sealed before a rotation still open) and lets the store say
/// "sealed with another key" instead of a bare authentication failure. The entity and id are
/// bound as associated data, so a sealed secret copied onto another row does not open.
public struct SecretCipher: Sendable {
    private final class Ring: Sendable {
        let keys: Mutex<SecretKeyring>
        init(_ keyring: SecretKeyring) { keys = Mutex(keyring) }
    }
    private let ring: Ring
    /// Reads the keys again (the key file) when a value names a key this ring lacks: a running
    /// daemon picks up `hotspotpay rekey`'s new key without a restart.
    private let reload: (@Sendable () throws -> SecretKeyring)?

    public init(key: SecretKey) { self.init(keyring: SecretKeyring(current: key)) }

    public init(keyring: SecretKeyring, reload: (@Sendable () throws -> SecretKeyring)? = nil) {
        ring = Ring(keyring)
        self.reload = reload
    }

    /// The key that seals.
    public var key: SecretKey { ring.keys.withLock { $0.current } }
    public var keyring: SecretKeyring { ring.keys.withLock { $0 } }

    public func seal(_ plaintext: String, entity: String, id: String) throws -> String {
        try Self.seal(plaintext, with: key, entity: entity, id: id)
    }

    public static func seal(_ plaintext: String, with key: SecretKey, entity: String, id: String) throws -> String {
        let box = try AES.GCM.seal(
            Array(plaintext.utf8), using: key.key, authenticating: Array("\(entity)/\(id)".utf8))
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return "v1:\(key.id):\(combined.base64EncodedString())"
    }

    public func open(_ sealed: String, entity: String, id: String) throws(StoreError) -> String {
        let parts = sealed.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "v1", let data = Data(base64Encoded: parts[2]) else {
            throw .corruptRow(entity: entity, id: id, field: "secret", problem: "not a sealed value")
        }
        var key = ring.keys.withLock { $0.key(id: parts[1]) }
        if key == nil, let reload, let fresh = try? reload() {
            ring.keys.withLock { $0 = fresh }
            key = fresh.key(id: parts[1])
        }
        guard let key else {
            throw .secretKeyMismatch(entity: entity, id: id, storedKeyID: parts[1], givenKeyID: self.key.id)
        }
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            let plain = try AES.GCM.open(box, using: key.key, authenticating: Array("\(entity)/\(id)".utf8))
            return String(decoding: plain, as: UTF8.self)
        } catch {
            throw .corruptRow(
                entity: entity, id: id, field: "secret", problem: "authentication failed (tampered or moved)")
        }
    }
}
