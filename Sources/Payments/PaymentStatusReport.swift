import HotspotPayCore

/// A provider's answer to "was this order paid?" (MoMo query, VNPay querydr, payOS GET).
public enum PaymentStatusReport: Sendable, Hashable {
    case paid(providerReference: String, amount: Money)
    case pending(code: String)
    case failed(code: String, message: String)
    /// The provider has never seen the order (the guest never opened the pay page).
    case notFound
}
