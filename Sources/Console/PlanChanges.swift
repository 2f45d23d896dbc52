import Foundation
import HotspotPayCore

/// What an operator wants changed on a plan, as typed into a form, a CLI option or a JSON body:
/// nil leaves a field alone. Human formats are accepted everywhere: price `10000`, `10.000`,
/// `10k`; duration `30m`, `1h`, `1d` (JSON numbers are seconds); data `5GB` or `none`; speeds
/// `10M`/`2M` or `none`.
public struct PlanChanges: Sendable, Hashable, Decodable {
    public var nameVI: String?
    public var nameEN: String?
    public var price: String?
    public var duration: String?
    public var dataCap: String?
    public var download: String?
    public var upload: String?
    public var order: Int?
    public var active: Bool?

    public init(
        nameVI: String? = nil, nameEN: String? = nil, price: String? = nil, duration: String? = nil,
        dataCap: String? = nil, download: String? = nil, upload: String? = nil, order: Int? = nil, active: Bool? = nil
    ) {
        self.nameVI = nameVI
        self.nameEN = nameEN
        self.price = price
        self.duration = duration
        self.dataCap = dataCap
        self.download = download
        self.upload = upload
        self.order = order
        self.active = active
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case nameVI = "name_vi"
        case nameEN = "name_en"
        case price, duration
        case dataCap = "data_cap"
        case download, upload, order
        case active
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        nameVI = try container.decodeIfPresent(String.self, forKey: .nameVI)
        nameEN = try container.decodeIfPresent(String.self, forKey: .nameEN)
        price = try FlexibleText.decode(container, .price)
        duration = try FlexibleText.decode(container, .duration, unit: "s")
        dataCap = try FlexibleText.decode(container, .dataCap)
        download = try FlexibleText.decode(container, .download)
        upload = try FlexibleText.decode(container, .upload)
        order = try container.decodeIfPresent(Int.self, forKey: .order)
        active = try container.decodeIfPresent(Bool.self, forKey: .active)
    }

    /// Applies every given field, collecting all problems (the plan's own rules included).
    public func apply(to plan: inout Plan) throws(ConsoleError) {
        var problems: [ValidationProblem] = []
        func parse<T>(_ field: String, _ text: String?, _ parser: (String) throws -> T) -> T? {
            guard let text else { return nil }
            do { return try parser(text.trimmingCharacters(in: .whitespacesAndNewlines)) } catch {
                problems.append(ValidationProblem(field: field, message: "\(error)"))
                return nil
            }
        }
        if let nameVI { plan.name.vi = nameVI.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let nameEN { plan.name.en = nameEN.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let value = parse("price", price, { try Money(parsing: $0) }) { plan.price = value }
        if let value = parse("duration", duration, { try DurationText.seconds($0) }) { plan.durationSeconds = value }
        // `value` is Int64? here: nil means "none" (unlimited), and it is applied.
        if let value = parse("data_cap", dataCap, { $0 == "none" || $0.isEmpty ? nil : try ByteCount.bytes($0) }) {
            plan.dataCapBytes = value
        }
        switch (
            download.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) },
            upload.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        ) {
        case (nil, nil): break
        case ("none", "none"), ("", ""): plan.rateLimit = nil
        case (let down?, let up?) where !down.isEmpty && !up.isEmpty && down != "none" && up != "none":
            let downBPS = parse("download", down) { try RateLimit.bitsPerSecond($0) }
            let upBPS = parse("upload", up) { try RateLimit.bitsPerSecond($0) }
            if let downBPS, let upBPS {
                plan.rateLimit = RateLimit(downloadBitsPerSecond: downBPS, uploadBitsPerSecond: upBPS)
            }
        default:
            problems.append(
                ValidationProblem(field: "download", message: "give download and upload speeds together (or both none)")
            )
        }
        if let order { plan.displayOrder = order }
        if let active { plan.isActive = active }
        if plan.name.en.isEmpty { plan.name.en = plan.name.vi }
        guard problems.isEmpty else { throw .invalid(problems) }
        let rules = plan.problems
        guard rules.isEmpty else { throw .invalid(rules) }
    }
}
