/// What the codes guests and cashiers type have in common (``VoucherCode``, ``ReceiptCode``):
/// characters from ``OrderCode``'s alphabet, read in any case with dashes and spaces ignored, and
/// printed in groups.
enum TypedCode {
    /// The characters of `text` in upper case without dashes and spaces, when there are `count` of
    /// them and all are in the alphabet.
    static func characters(_ text: String, count: Int) -> [UInt8]? {
        let characters = Array(text.uppercased().utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") })
        guard characters.count == count, characters.allSatisfy(OrderCode.alphabet.contains) else { return nil }
        return characters
    }

    /// `value` in groups of `size` joined by dashes: `K7QX-M9P4-T2AB`.
    static func grouped(_ value: String, by size: Int) -> String {
        let characters = Array(value)
        return stride(from: 0, to: characters.count, by: size).map {
            String(characters[$0..<min($0 + size, characters.count)])
        }
        .joined(separator: "-")
    }
}
