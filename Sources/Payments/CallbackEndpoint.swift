/// The `/callbacks/<name>` routes: one per wire format, several may feed one provider (payOS,
/// SePay and Casso all confirm VietQR transfers).
public enum CallbackEndpoint: String, Sendable, Hashable, CaseIterable {
    case sandbox
    case momo
    case vnpay
    case payos
    case sepay
    case casso
}
