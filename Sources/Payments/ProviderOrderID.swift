import HotspotPayCore

/// The order id a provider is given: the order code people see, plus a piece of the
/// transaction's random id so that an id is never reused at the provider, even after the
/// database was started again and an order code comes round a second time.
///
/// - Text form (MoMo orderId, vnp_TxnRef): `ABC234-1f2e3d4c5b6a`, matching MoMo's
///   `^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$` and VNPay's safe characters.
/// - Number form (payOS orderCode, an integer below 2^53): the order code read in base 30,
///   times a million, plus six digits from the id.
public struct ProviderOrderID: Sendable, Hashable, CustomStringConvertible {
    public let orderCode: OrderCode
    private let check: Check

    private enum Check: Hashable {
        case idPrefix(String)
        case number(Int64)
    }

    public init(_ transaction: Transaction) {
        orderCode = transaction.orderCode
        check = .idPrefix(Self.compactID(transaction.id).prefix(12).description)
    }

    /// `ABC234-1f2e3d4c5b6a`.
    public var description: String {
        switch check {
        case .idPrefix(let prefix): "\(orderCode)-\(prefix)"
        case .number: String(payOSNumber)
        }
    }

    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let code = try? OrderCode(String(parts[0]).uppercased()),
            parts[1].count == 12, parts[1].allSatisfy({ $0.isHexDigit })
        else { return nil }
        orderCode = code
        check = .idPrefix(parts[1].lowercased())
    }

    /// The payOS `orderCode` for `transaction`.
    public static func payOSNumber(for transaction: Transaction) -> Int64 {
        codeValue(transaction.orderCode) * 1_000_000 + idNumber(transaction.id)
    }

    public init?(payOSNumber number: Int64) {
        guard number >= 0, let code = Self.code(value: number / 1_000_000) else { return nil }
        orderCode = code
        check = .number(number % 1_000_000)
    }

    var payOSNumber: Int64 {
        switch check {
        case .number(let suffix): Self.codeValue(orderCode) * 1_000_000 + suffix
        case .idPrefix: 0
        }
    }

    /// True when `transaction` is the one this id was made for.
    public func matches(_ transaction: Transaction) -> Bool {
        guard transaction.orderCode == orderCode else { return false }
        switch check {
        case .idPrefix(let prefix): return Self.compactID(transaction.id).hasPrefix(prefix)
        case .number(let suffix): return Self.idNumber(transaction.id) == suffix
        }
    }

    private static func compactID(_ id: String) -> String { id.lowercased().filter { $0 != "-" } }

    private static func idNumber(_ id: String) -> Int64 {
        (Int64(compactID(id).prefix(5), radix: 16) ?? 0) % 1_000_000
    }

    private static func codeValue(_ code: OrderCode) -> Int64 {
        code.description.utf8.reduce(Int64(0)) { value, byte in
            value * Int64(OrderCode.alphabet.count) + Int64(OrderCode.alphabet.firstIndex(of: byte) ?? 0)
        }
    }

    private static func code(value: Int64) -> OrderCode? {
        let base = Int64(OrderCode.alphabet.count)
        var rest = value
        var bytes: [UInt8] = []
        for _ in 0..<OrderCode.length {
            bytes.append(OrderCode.alphabet[Int(rest % base)])
            rest /= base
        }
        guard rest == 0 else { return nil }
        return try? OrderCode(String(decoding: bytes.reversed(), as: UTF8.self))
    }
}
