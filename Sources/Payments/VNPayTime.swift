import HotspotPayCore

import struct Foundation.Date

/// VNPay's `yyyyMMddHHmmss` in Asia/Ho_Chi_Minh (UTC+7, no daylight saving).
enum VNPayTime {
    static func text(_ date: Date) -> String {
        let time = CivilTime(date, utcOffsetSeconds: 7 * 3600)
        let pad = CivilTime.padded
        return pad(time.year, 4) + pad(time.month, 2) + pad(time.day, 2) + pad(time.hour, 2) + pad(time.minute, 2)
            + pad(time.second, 2)
    }
}
