import HotspotPayCore

/// Finds order codes in a bank transfer's text. Guests edit the memo and banks add prefixes or
/// strip spaces, so every run of six order-code characters anywhere in the text, in any case,
/// is a candidate; the order book decides which exist.
public enum TransferMemo {
    /// At most this many candidates are looked up for one transfer.
    static let maximumCandidates = 32

    public static func candidates(in text: String) -> [OrderCode] {
        let bytes = Array(text.uppercased().utf8.prefix(1024))
        let allowed = Set(OrderCode.alphabet)
        var found: [OrderCode] = []
        var seen = Set<String>()
        var start = 0
        while start + OrderCode.length <= bytes.count && found.count < maximumCandidates {
            let window = bytes[start..<start + OrderCode.length]
            if window.allSatisfy(allowed.contains) {
                let text = String(decoding: window, as: UTF8.self)
                if seen.insert(text).inserted, let code = try? OrderCode(text) { found.append(code) }
            }
            start += 1
        }
        return found
    }
}

/// A transfer into the venue's account as a notification service reports it.
struct BankTransfer: Sendable {
    /// The service's id for the transfer, the idempotency key (SePay id, Casso data.id).
    var reference: String
    var amount: Money
    var text: String
    var accountNumber: String?

    /// The pending VietQR order named in the memo, or the typed reason there is none.
    func matchOrder(in orders: any OrderBook, account: String) async throws(CallbackRejection) -> CallbackOutcome {
        if let accountNumber, !accountNumber.isEmpty, accountNumber != account {
            throw .ignored("a transfer to account \(accountNumber), not \(account)")
        }
        var named: [Transaction] = []
        for code in TransferMemo.candidates(in: text) {
            let found: Transaction?
            do { found = try await orders.transaction(orderCode: code) } catch {
                throw .unavailable(String(describing: error))
            }
            if let found, found.provider == .vietqr { named.append(found) }
        }
        // An order still waiting for its money comes first; a code that looks like an old order
        // by chance must not take the payment.
        func rank(_ order: Transaction) -> (Int, Double) {
            (order.status == .pending ? 0 : 1, -order.createdAt.timeIntervalSince1970)
        }
        named.sort { rank($0) < rank($1) }
        guard let first = named.first else { throw .unknownOrder(String(text.prefix(80))) }
        let order = named.first { $0.amount == amount } ?? first
        guard order.amount == amount else {
            throw .amountMismatch(orderCode: order.orderCode, expected: order.amount, received: amount)
        }
        return CallbackOutcome(
            transaction: order, status: .paid, providerReference: reference, amount: amount,
            providerOrderID: order.orderCode.description)
    }
}
