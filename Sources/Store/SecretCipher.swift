import Crypto
import Foundation

/// Seals and opens secrets stored in the database with AES-256-GCM.
///
/// Sealed form: `v1:<key id>:<base64 of nonce‖ciphertext‖tag>`. The key id lets the store say
/// "sealed with another key" instead of a bare authentication failure. The entity and id are
/// bound as associated data, so a sealed secret copied onto another row does not open.
public struct SecretCipher: Sendable {
    public let key: SecretKey

    public init(key: SecretKey) { self.key = key }

    public func seal(_ plaintext: String, entity: String, id: String) throws -> String {
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
        guard parts[1] == key.id else {
            throw .secretKeyMismatch(entity: entity, id: id, storedKeyID: parts[1], givenKeyID: key.id)
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
