/// A JSON field that may be written as a string (`"10k"`, `"1h"`) or a number (`10000`), kept as
/// text for the same parsers the CLI and the web forms use. `unit` is appended to bare numbers
/// where the parser needs one (durations: seconds).
struct FlexibleText {
    static func decode<Key: CodingKey>(
        _ container: KeyedDecodingContainer<Key>, _ key: Key, unit: String = ""
    ) throws -> String? {
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        if let text = try? container.decode(String.self, forKey: key) { return text }
        if let number = try? container.decode(Int64.self, forKey: key) { return "\(number)\(unit)" }
        throw DecodingError.typeMismatch(
            String.self,
            .init(codingPath: container.codingPath + [key], debugDescription: "expected a string or a whole number"))
    }
}
