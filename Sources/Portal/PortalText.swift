import HotspotPayCore

/// Durations in words for guests: "1 giờ", "2 days 3 hours", "45 phút".
enum PortalText {
    static func duration(seconds: Int64, _ language: Language, _ pages: PortalPages) -> String {
        words(seconds: seconds, language, pages, parts: 2)
    }

    /// What is left of a deadline; "0 phút" once it has passed.
    static func remaining(seconds: Int64, _ language: Language, _ pages: PortalPages) -> String {
        words(seconds: max(0, seconds), language, pages, parts: 2)
    }

    private static func words(seconds: Int64, _ language: Language, _ pages: PortalPages, parts: Int) -> String {
        let units: [(Int64, String, String)] = [
            (86_400, "day", "days"), (3600, "hour", "hours"), (60, "minute", "minutes"),
        ]
        var rest = seconds
        var out: [String] = []
        for (size, one, many) in units where out.count < parts {
            let count = rest / size
            guard count > 0 else { continue }
            out.append("\(count) \(pages.text(count == 1 ? one : many, language))")
            rest -= count * size
        }
        if out.isEmpty {
            // Under a minute: round up so a countdown never shows 0 while time is left.
            out.append("\(seconds > 0 ? 1 : 0) \(pages.text("minute", language))")
        }
        return out.joined(separator: " ")
    }
}
