import Foundation

/// What an answer kept for `Idempotency-Key` replays holds in place of a secret: a new API token
/// (`hpt_…`) or webhook signing secret (`whsec_…`) is shown once, in the first answer, and never
/// stored in clear (not in the idempotency cache, its WAL or a backup). A replay says so.
enum WithheldSecrets {
    /// The prefixes of the secrets this daemon hands out.
    static let prefixes = ["hpt_", "whsec_"]
    /// The value a replay carries where the secret was.
    static let placeholder = "withheld: shown only in the first answer; create a new one if it was lost"

    /// `body` with every JSON string that is one of our secrets replaced by ``placeholder``, and
    /// whether any was; a body that is not JSON, or holds none, comes back as it was.
    static func redact(_ body: [UInt8]) -> (body: [UInt8], withheld: Bool) {
        // Cheap test first: most answers hold no secret.
        let text = String(decoding: body, as: UTF8.self)
        guard prefixes.contains(where: { text.contains("\"\($0)") }),
            let json = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        else { return (body, false) }
        var withheld = false
        let cleaned = redact(json, &withheld)
        guard withheld,
            let data = try? JSONSerialization.data(
                withJSONObject: cleaned, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return (body, false) }
        return (Array(data), true)
    }

    private static func redact(_ value: Any, _ withheld: inout Bool) -> Any {
        switch value {
        case let text as String where prefixes.contains(where: text.hasPrefix):
            withheld = true
            return placeholder
        case let object as [String: Any]: return object.mapValues { redact($0, &withheld) }
        case let list as [Any]: return list.map { redact($0, &withheld) }
        default: return value
        }
    }
}
