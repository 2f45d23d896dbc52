/// One RADIUS attribute by dictionary name, as operators write it: `Mikrotik-Group = portal-only`.
///
/// Kept as data (name and text value) so packages and routers can carry any attribute the
/// router understands without code changes; the Radius module checks names against the
/// dictionary and encodes the values.
public struct RadiusAttribute: Hashable, Sendable, Codable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Why a line is not an attribute assignment.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let input: String
        public var description: String {
            "'\(input)' is not a RADIUS attribute: expected Name = value, e.g. Mikrotik-Group = portal-only"
        }
    }

    /// Parses `Name = value` or `Name = "value with spaces"`.
    public init(parsing line: String) throws(ParseError) {
        guard let equals = line.firstIndex(of: "=") else { throw ParseError(input: line) }
        let name = String(line[..<equals]).trimmingSpaces()
        var value = String(line[line.index(after: equals)...]).trimmingSpaces()
        if value.count >= 2, value.first == "\"", value.last == "\"" {
            value = String(value.dropFirst().dropLast())
        }
        guard Self.isValidName(name), !value.isEmpty, value.utf8.count <= 253,
            !value.contains(where: { $0.isNewline })
        else { throw ParseError(input: line) }
        self.init(name: name, value: value)
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first.isLetter, name.utf8.count <= 64 else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// `Name = value`, quoting the value when it contains spaces.
    public var description: String {
        value.contains(" ") ? "\(name) = \"\(value)\"" : "\(name) = \(value)"
    }
}
