/// The rule for ids operators choose and type (plan `1h`, router `cafe-tang-1`): short, lower
/// case, safe in URLs, file names and RouterOS scripts.
public enum Slug {
    public static let expected = "1 to 32 characters of a-z, 0-9 and '-', starting with a letter or digit"

    public static func isValid(_ text: String) -> Bool {
        guard (1...32).contains(text.utf8.count), let first = text.utf8.first, first != UInt8(ascii: "-") else {
            return false
        }
        return text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }

    static func problems(_ text: String, field: String = "id") -> [ValidationProblem] {
        isValid(text) ? [] : [ValidationProblem(field: field, message: "'\(text)' is not a valid id: \(expected)")]
    }
}
