import HotspotPayCore

/// `application/x-www-form-urlencoded` as VNPay signs it: letters, digits and `-_.` stay, space
/// becomes `+`, every other UTF-8 byte becomes `%XX` in upper case (PHP's `urlencode`).
public enum FormURLEncoding {
    public static func encode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                out.unicodeScalars.append(UnicodeScalar(byte))
            case UInt8(ascii: " "):
                out.append("+")
            default:
                out.append("%")
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return out
    }

    private static let hexDigits = Array("0123456789ABCDEF")

    /// Why a query string cannot be read.
    public enum DecodingError: Error, Equatable, CustomStringConvertible {
        case badEscape(String)
        case notUTF8(String)
        case duplicateKey(String)
        case tooLong(Int)

        public var description: String {
            switch self {
            case .badEscape(let part): "'\(part)' has a broken %-escape"
            case .notUTF8(let part): "'\(part)' is not UTF-8 once decoded"
            case .duplicateKey(let key): "'\(key)' appears more than once"
            case .tooLong(let count): "the query is \(count) bytes long; at most 8192 are read"
            }
        }
    }

    /// Decodes `a=1&b=x+y` into keys and values. A key given twice is refused: a callback with
    /// two amounts must not be read as either of them.
    public static func decodeQuery(_ query: String) throws(DecodingError) -> [String: String] {
        guard query.utf8.count <= 8192 else { throw .tooLong(query.utf8.count) }
        var result: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try decodeComponent(String(parts[0]))
            let value = parts.count > 1 ? try decodeComponent(String(parts[1])) : ""
            guard result.updateValue(value, forKey: key) == nil else { throw .duplicateKey(key) }
        }
        return result
    }

    public static func decodeComponent(_ text: String) throws(DecodingError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(ASCIIHex.value(of:)),
                    let low = iterator.next().flatMap(ASCIIHex.value(of:))
                else {
                    throw .badEscape(text)
                }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else { throw .notUTF8(text) }
        return decoded
    }
}
