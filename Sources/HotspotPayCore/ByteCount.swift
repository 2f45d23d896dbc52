/// Reads and writes data amounts: `500MB`, `5GB`, `1.5GB`, `2GiB`, or a plain byte count.
/// `KB/MB/GB/TB` are decimal (what guests see on phone plans); `KiB/MiB/GiB/TiB` are binary.
public enum ByteCount {
    /// Why a string is not an amount of data.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let input: String
        public var description: String {
            "'\(input)' is not an amount of data: expected bytes or a number with KB, MB, GB, TB (or KiB, MiB, GiB, TiB), such as 500MB or 5GB"
        }
    }

    public static func bytes(_ text: String) throws(ParseError) -> Int64 {
        let body = text.trimmingSpaces()
        let numberPart = body.prefix { $0.isASCIIDigit || $0 == "." }
        let unitPart = String(body.dropFirst(numberPart.count)).trimmingSpaces().lowercased()
        let multiplier: Int64
        switch unitPart {
        case "", "b": multiplier = 1
        case "kb", "k": multiplier = 1000
        case "mb", "m": multiplier = 1_000_000
        case "gb", "g": multiplier = 1_000_000_000
        case "tb", "t": multiplier = 1_000_000_000_000
        case "kib": multiplier = 1 << 10
        case "mib": multiplier = 1 << 20
        case "gib": multiplier = 1 << 30
        case "tib": multiplier = 1 << 40
        default: throw ParseError(input: text)
        }
        // Fractions are done in integers (thousandths) so that 1.5GB is exactly 1,500,000,000.
        let pieces = numberPart.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(pieces.count), let whole = Int64(pieces[0]), whole < 1_000_000_000 else {
            throw ParseError(input: text)
        }
        var thousandths = whole * 1000
        if pieces.count == 2 {
            let fraction = pieces[1]
            guard (1...3).contains(fraction.count), let value = Int64(fraction) else { throw ParseError(input: text) }
            var scaled = value
            for _ in fraction.count..<3 { scaled *= 10 }
            thousandths += scaled
        }
        let (product, overflow) = thousandths.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { throw ParseError(input: text) }
        return product / 1000
    }

    /// A short decimal spelling for people: 5,000,000,000 → `5GB`, 1,500,000 → `1.5MB`.
    public static func format(_ bytes: Int64) -> String {
        for (unit, name) in [(Int64(1_000_000_000_000), "TB"), (1_000_000_000, "GB"), (1_000_000, "MB"), (1000, "KB")]
        where bytes >= unit {
            let tenths = bytes * 10 / unit
            return tenths % 10 == 0 ? "\(tenths / 10)\(name)" : "\(tenths / 10).\(tenths % 10)\(name)"
        }
        return "\(bytes)B"
    }
}
