import Foundation

/// A JSON document kept as values, so signatures can be computed over exactly what arrived:
/// integers stay integers, booleans stay booleans, and objects can be re-serialised with sorted
/// keys the way JavaScript's `JSON.stringify` writes them (the providers' servers are Node/Java).
public enum JSONValue: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses a body of at most `limit` bytes; nil for anything that is not JSON.
    public static func parse(_ bytes: [UInt8], limit: Int = 65_536) -> JSONValue? {
        guard bytes.count <= limit else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// An integer given as a JSON integer, or as a string of digits (some gateways quote them).
    public var integerValue: Int64? {
        switch self {
        case .integer(let value): value
        case .number(let value) where value.rounded() == value && abs(value) < 1e15: Int64(value)
        case .string(let text): Int64(text)
        default: nil
        }
    }

    /// The value as it goes into a `key=value` signature string: strings raw, numbers plain,
    /// null empty, arrays and objects as compact sorted JSON.
    public var signatureText: String {
        switch self {
        case .null: ""
        case .string(let text): text
        default: sortedJSON
        }
    }

    /// Compact JSON with object keys sorted at every level, escaped like `JSON.stringify`.
    public var sortedJSON: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .integer(let value): String(value)
        case .number(let value): Self.numberText(value)
        case .string(let text): Self.quoted(text)
        case .array(let items): "[" + items.map(\.sortedJSON).joined(separator: ",") + "]"
        case .object(let fields):
            "{"
                + fields.keys.sorted(by: Self.jsOrder).map { Self.quoted($0) + ":" + fields[$0]!.sortedJSON }
                .joined(separator: ",") + "}"
        }
    }

    /// JavaScript sorts keys by UTF-16 code units.
    static func jsOrder(_ a: String, _ b: String) -> Bool { Array(a.utf16).lexicographicallyPrecedes(Array(b.utf16)) }

    static func numberText(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
