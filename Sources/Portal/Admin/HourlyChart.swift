import Foundation
import HotspotPayCore

/// The dashboard's payments-per-hour bars as inline SVG: drawn on the server, so the page
/// needs no script and no chart library.
enum HourlyChart {
    static func svg(_ hours: [(hour: Date, sales: Int, amount: Money)], venue: (Date) -> String) -> String {
        let width = 720.0
        let height = 150.0
        let bottom = 130.0
        let peak = max(1, hours.map(\.sales).max() ?? 1)
        let slot = width / Double(max(hours.count, 1))
        var bars = ""
        for (index, hour) in hours.enumerated() {
            let barHeight = Double(hour.sales) / Double(peak) * (bottom - 14)
            let x = Double(index) * slot + 2
            let label = venue(hour.hour)
            bars += String(
                format:
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#0b6e4f\"><title>%@ · %d · %@</title></rect>",
                x, bottom - barHeight, slot - 4, barHeight, label, hour.sales, hour.amount.description)
            if hour.sales > 0 {
                bars += String(
                    format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%d</text>",
                    x + (slot - 4) / 2, bottom - barHeight - 3, hour.sales)
            }
            if index % 3 == 0 {
                bars += String(
                    format: "<text x=\"%.1f\" y=\"146\" font-size=\"10\" fill=\"#5b6673\">%@</text>", x,
                    String(label.suffix(5)))
            }
        }
        return
            "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"payments per hour\"><line x1=\"0\" y1=\"\(bottom)\" x2=\"\(width)\" y2=\"\(bottom)\" stroke=\"#c9d2da\"/>\(bars)</svg>"
    }
}
