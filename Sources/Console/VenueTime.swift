import Foundation
import HotspotPayCore

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
            (2000...2999).contains(year), (1...12).contains(month), (1...Self.days(in: month, of: year)).contains(day)
        else { throw .invalid([.init(field: field, message: "expected a date as YYYY-MM-DD, e.g. 2026-11-28")]) }
        return CivilTime.startOfDay(year: year, month: month, day: day, utcOffsetSeconds: utcOffsetSeconds)
    }

    static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `YYYY-MM-DD HH:MM` in venue time, for tables and CSV (a CSV export formats two per row,
    /// so this is integer arithmetic, not `Calendar`).
    public func text(_ date: Date, seconds: Bool = false) -> String {
        let time = CivilTime(date, utcOffsetSeconds: utcOffsetSeconds)
        let pad = CivilTime.padded
        var text =
            "\(pad(time.year, 4))-\(pad(time.month, 2))-\(pad(time.day, 2)) \(pad(time.hour, 2)):\(pad(time.minute, 2))"
        if seconds { text += ":" + pad(time.second, 2) }
        return text
    }

    /// `YYYY-MM-DD` of the venue day holding `date`.
    public func dayText(_ date: Date) -> String { String(text(date).prefix(10)) }
}
