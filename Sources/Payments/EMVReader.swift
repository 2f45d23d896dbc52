/// Reads EMVCo TLV payloads (`ID LEN VALUE`) back into fields and checks their CRC: the other
/// half of ``VietQRPayload``, used to check what we print and what guests' apps will see.
public enum EMVReader {
    public enum ReadError: Error, Equatable, CustomStringConvertible {
        case truncated(at: Int)
        case badCRC(expected: String, found: String)
        case missingCRC

        public var description: String {
            switch self {
            case .truncated(let offset): "the payload ends inside a field at character \(offset)"
            case .badCRC(let expected, let found): "CRC is \(found), expected \(expected)"
            case .missingCRC: "the payload does not end with a 63 CRC field"
            }
        }
    }

    /// Top-level fields in order; nested templates can be read by calling again on a value.
    public static func fields(_ payload: String) throws(ReadError) -> [(id: String, value: String)] {
        let characters = Array(payload)
        var fields: [(String, String)] = []
        var index = 0
        while index < characters.count {
            guard index + 4 <= characters.count, let length = Int(String(characters[index + 2..<index + 4])) else {
                throw .truncated(at: index)
            }
            let start = index + 4
            guard start + length <= characters.count else { throw .truncated(at: index) }
            fields.append((String(characters[index..<index + 2]), String(characters[start..<start + length])))
            index = start + length
        }
        return fields
    }

    /// Checks the trailing CRC and returns the fields as a dictionary (last one wins).
    public static func verified(_ payload: String) throws(ReadError) -> [String: String] {
        guard payload.count >= 8, payload.dropLast(4).hasSuffix("6304") else { throw .missingCRC }
        let expected = VietQRPayload.crc16(String(payload.dropLast(4)))
        let found = String(payload.suffix(4))
        guard expected == found.uppercased() else { throw .badCRC(expected: expected, found: found) }
        return Dictionary(try fields(payload).map { ($0.id, $0.value) }, uniquingKeysWith: { $1 })
    }
}
