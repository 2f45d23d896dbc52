import Foundation

/// Calendar days as the venue counts them. Vietnam keeps UTC+7 all year (no daylight saving),
/// so the offset is a constant rather than a time-zone database lookup.
public struct VenueTime: Sendable, Hashable {
    public var utcOffsetSeconds: Int

    public init(utcOffsetSeconds: Int = 7 * 3600) { self.utcOffsetSeconds = utcOffsetSeconds }

    /// The start of the venue day holding `date`.
    public func startOfDay(_ date: Date) -> Date {
        let local = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(utcOffsetSeconds)
        let day = local - ((local % 86_400) + 86_400) % 86_400
        return Date(timeIntervalSince1970: Double(day - Int64(utcOffsetSeconds)))
    }

    /// Parses `YYYY-MM-DD` as the start of that venue day.
    public func day(_ text: String, field: String) throws(ConsoleError) -> Date {
        let parts = text.split(separator: "-").map { Int($0) }
        guard parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2],
            (2000...2999).contains(year), (1...12).contains(month), (1...31).contains(day)
        else { throw .invalid([.init(field: field, message: "expected a date as YYYY-MM-DD, e.g. 2026-11-28")]) }
        // Days since 1970-01-01 by the civil-from-days inverse (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: Double(days * 86_400 - utcOffsetSeconds))
    }

    /// `YYYY-MM-DD HH:MM` in venue time, for tables and CSV. Integer arithmetic (civil date from
    /// days, Howard Hinnant's algorithm) rather than `Calendar`: a CSV export formats two dates
    /// per row, and Foundation's calendar made that the export's main cost.
    public func text(_ date: Date, seconds: Bool = false) -> String {
        let local = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(utcOffsetSeconds)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text = "\(year)-\(two(month))-\(two(day)) \(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60))"
        if seconds { text += ":" + two(secondOfDay % 60) }
        return text
    }

    /// `YYYY-MM-DD` of the venue day holding `date`.
    public func dayText(_ date: Date) -> String { String(text(date).prefix(10)) }
}
