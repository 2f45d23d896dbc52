/// Reads and writes lengths of time the way operators write them in config files and the CLI:
/// `90s`, `30m`, `1h`, `1h30m`, `1d`, `7d`.
public enum DurationText {
    /// Why a string is not a duration.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let input: String
        public var description: String {
            "'\(input)' is not a duration: expected a number with a unit, such as 90s, 30m, 1h, 1h30m or 7d"
        }
    }

    /// Parses to whole seconds. Units: s, m, h, d, w; several may follow each other (`1h30m`).
    public static func seconds(_ text: String) throws(ParseError) -> Int64 {
        let body = text.trimmingSpaces().lowercased()
        guard !body.isEmpty else { throw ParseError(input: text) }
        var total: Int64 = 0
        var number: Int64?
        for character in body {
            if let digit = character.wholeNumberValue, character.isASCII {
                let next = (number ?? 0) * 10 + Int64(digit)
                guard next < 100_000_000 else { throw ParseError(input: text) }
                number = next
                continue
            }
            let unit: Int64
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86_400
            case "w": unit = 604_800
            default: throw ParseError(input: text)
            }
            guard let value = number else { throw ParseError(input: text) }
            total += value * unit
            number = nil
        }
        // A bare trailing number has no unit: refuse rather than guess seconds or minutes.
        guard number == nil else { throw ParseError(input: text) }
        return total
    }

    /// The shortest exact spelling: 3600 → `1h`, 5400 → `1h30m`, 0 → `0s`.
    public static func format(seconds: Int64) -> String {
        guard seconds > 0 else { return "\(seconds)s" }
        var rest = seconds
        var out = ""
        for (unit, name) in [(Int64(86_400), "d"), (3600, "h"), (60, "m"), (1, "s")] where rest >= unit {
            out += "\(rest / unit)\(name)"
            rest %= unit
        }
        return out
    }
}
