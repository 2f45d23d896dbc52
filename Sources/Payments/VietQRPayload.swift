import Foundation

/// A VietQR (NAPAS 247, EMVCo merchant-presented) payload for a bank transfer (docs/PROVIDERS.md §3).
///
/// Dynamic when it carries an amount (one transaction), static otherwise. The order code goes
/// in the purpose field (62/08) so the bank's notification can be matched to the order.
public struct VietQRPayload: Sendable, Hashable {
    public var bankBIN: String
    public var accountNumber: String
    /// `QRIBFTTA` (to an account) or `QRIBFTTC` (to a card).
    public var service: String
    public var amount: Int64?
    public var purpose: String?

    public init(
        bankBIN: String, accountNumber: String, toCard: Bool = false, amount: Int64? = nil, purpose: String? = nil
    ) {
        self.bankBIN = bankBIN
        self.accountNumber = accountNumber
        self.service = toCard ? "QRIBFTTC" : "QRIBFTTA"
        self.amount = amount
        self.purpose = purpose
    }

    /// Why a payload cannot be built.
    public enum BuildError: Error, Equatable, CustomStringConvertible {
        case invalidBIN(String)
        case invalidAccount(String)
        case invalidAmount(Int64)

        public var description: String {
            switch self {
            case .invalidBIN(let bin): "'\(bin)' is not a 6-digit bank BIN"
            case .invalidAccount(let account): "'\(account)' is not an account or card number (1 to 19 digits)"
            case .invalidAmount(let amount): "\(amount) is not a payable amount"
            }
        }
    }

    /// The payload text, CRC included.
    public func encoded() throws(BuildError) -> String {
        guard bankBIN.utf8.count == 6, bankBIN.utf8.allSatisfy(Self.isDigit) else { throw .invalidBIN(bankBIN) }
        guard (1...19).contains(accountNumber.utf8.count), accountNumber.utf8.allSatisfy(Self.isDigit) else {
            throw .invalidAccount(accountNumber)
        }
        if let amount, amount <= 0 || amount > 999_999_999_999 { throw .invalidAmount(amount) }
        let beneficiary = Self.field("00", bankBIN) + Self.field("01", accountNumber)
        let merchant = Self.field("00", "A000000727") + Self.field("01", beneficiary) + Self.field("02", service)
        var body = Self.field("00", "01") + Self.field("01", amount == nil ? "11" : "12") + Self.field("38", merchant)
        body += Self.field("53", "704")
        if let amount { body += Self.field("54", String(amount)) }
        body += Self.field("58", "VN")
        if let purpose, !purpose.isEmpty {
            body += Self.field("62", Self.field("08", String(Self.ascii(purpose).prefix(25))))
        }
        body += "6304"
        return body + Self.crc16(body)
    }

    /// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), four upper-case hex digits.
    public static func crc16(_ text: String) -> String {
        var crc: UInt16 = 0xFFFF
        for byte in text.utf8 {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        }
        let hex = String(crc, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// Vietnamese letters folded to ASCII (banks' apps show ASCII purposes), anything else dropped.
    public static func ascii(_ text: String) -> String {
        // đ/Đ have no decomposition, so folding diacritics leaves them: map them by hand.
        let folded = text.replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "D")
            .folding(options: [.diacriticInsensitive], locale: Locale(identifier: "vi_VN"))
        return String(
            String.UnicodeScalarView(folded.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F })
        )
    }

    static func field(_ id: String, _ value: String) -> String {
        let length = value.utf8.count
        return id + (length < 10 ? "0" : "") + String(length) + value
    }

    static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}
