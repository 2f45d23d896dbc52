/// Random identifiers for stored rows (transactions, grants, unlock jobs): UUID version 4 text,
/// drawn from the caller's generator so that tests can be deterministic.
public enum EntityID {
    public static func random(using generator: inout some RandomNumberGenerator) -> String {
        var bytes = (0..<2).flatMap { _ in withUnsafeBytes(of: generator.next()) { Array($0) } }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = ASCIIHex.lowercase(bytes)
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}
