import struct Foundation.Date

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension WebhookEvent {
    /// The document as sent: keys sorted, no spaces, times in ISO 8601 UTC to the second, absent
    /// values left out; what `JSONEncoder` with `.sortedKeys` and `.iso8601` would write, built by
    /// hand because it is written inside the payment's database transaction (JSONEncoder cost
    /// about a tenth of a millisecond per event there; BENCHMARKS.md).
    public var json: String {
        var out = JSONWriter()
        out.object { o in
            o.field("created_at") { $0.date(createdAt) }
            o.field("data") { $0.payload(data) }
            o.field("id") { $0.string(id) }
            o.field("type") { $0.string(type.rawValue) }
        }
        return out.text
    }
}

/// A minimal JSON writer for the webhook document.
struct JSONWriter {
    var text = ""

    init() { text.reserveCapacity(768) }

    mutating func object(_ body: (inout ObjectWriter) -> Void) {
        text += "{"
        var writer = ObjectWriter(out: self)
        body(&writer)
        self = writer.out
        text += "}"
    }

    mutating func string(_ value: String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "/": text += "/"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }

    mutating func int(_ value: Int64) { text += String(value) }

    mutating func date(_ value: Date) {
        var seconds = time_t(value.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        text +=
            "\"\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z\""
    }

    mutating func payload(_ data: WebhookEvent.Payload) {
        object { o in
            o.field("actor") { $0.string(data.actor) }
            if let amount = data.amountVND { o.field("amount_vnd") { $0.int(amount) } }
            o.field("detail") { $0.string(data.detail) }
            if let grant = data.grant {
                o.field("grant") { w in
                    w.object { g in
                        if let bytes = grant.dataRemainingBytes { g.field("data_remaining_bytes") { $0.int(bytes) } }
                        g.field("id") { $0.string(grant.id) }
                        g.field("mac") { $0.string(grant.mac) }
                        g.field("starts_at") { $0.date(grant.startsAt) }
                        g.field("status") { $0.string(grant.status) }
                        g.field("valid_until") { $0.date(grant.validUntil) }
                    }
                }
            }
            if let sale = data.transaction {
                o.field("transaction") { w in
                    w.object { t in
                        t.field("amount_vnd") { $0.int(sale.amountVND) }
                        t.field("created_at") { $0.date(sale.createdAt) }
                        t.field("id") { $0.string(sale.id) }
                        t.field("mac") { $0.string(sale.mac) }
                        t.field("order_code") { $0.string(sale.orderCode) }
                        if let paid = sale.paidAt { t.field("paid_at") { $0.date(paid) } }
                        t.field("plan_id") { $0.string(sale.planID) }
                        t.field("provider") { $0.string(sale.provider) }
                        if let reference = sale.providerReference {
                            t.field("provider_reference") { $0.string(reference) }
                        }
                        t.field("router_id") { $0.string(sale.routerID) }
                        t.field("status") { $0.string(sale.status) }
                    }
                }
            }
        }
    }

    struct ObjectWriter {
        var out: JSONWriter
        var first = true

        mutating func field(_ key: String, _ value: (inout JSONWriter) -> Void) {
            if !first { out.text += "," }
            first = false
            out.string(key)
            out.text += ":"
            value(&out)
        }
    }
}
